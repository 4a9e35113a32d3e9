import { readFileSync } from 'node:fs';

import type { FixtureServer } from './fixture-server.js';

const file = (path: string) =>
  readFileSync(new URL(`../fixtures/upstream/panelapp/${path}`, import.meta.url), 'utf8');

/**
 * Serves the recorded PanelApp UK and Australia responses under /uk/api/v1 and
 * /au/api/v1, including the 404 `{"detail": "Invalid page."}` past the last page.
 */
export function servePanelApp(server: FixtureServer): { uk: string; au: string } {
  for (const region of ['uk', 'au']) {
    server.route('GET', `/${region}/api/v1/panels/`, (req, res) => {
      const page = new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1';
      try {
        const body = file(`${region}/panels-page-${page}.json`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      } catch {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"detail":"Invalid page."}');
      }
    });
    for (const id of region === 'uk' ? [283, 292] : [275, 3278]) {
      server.route('GET', `/${region}/api/v1/panels/${id}/`, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(file(`${region}/panel-${id}.json`));
      });
    }
  }
  return { uk: `${server.baseUrl}/uk/api/v1`, au: `${server.baseUrl}/au/api/v1` };
}
