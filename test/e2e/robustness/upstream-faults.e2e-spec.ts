import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  failureRows,
  FIXTURE_UPSTREAM_ENV,
  insertGenes,
  seedHgncIds,
} from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import { eventually } from '../../support/wait.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/upstream/gnomad/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

/**
 * A pipeline run of the gnomAD source while its upstream misbehaves per gene: PKD1 and
 * COL4A5 answer after a 5xx burst and a 429 with Retry-After; PKD2 always answers 500;
 * NPHS1 is slower than the timeout; NPHS2's body is cut off. The run must complete and
 * name exactly the genes that never answered, with their reasons.
 */
describe('upstream faults during a pipeline run', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let ids: Record<string, number>;
  let requests = 0;

  const ENSEMBL: Record<string, string> = {
    ENSG00000008710: 'PKD1',
    ENSG00000118762: 'PKD2',
    ENSG00000161270: 'NPHS1',
    ENSG00000116218: 'NPHS2',
    ENSG00000188153: 'COL4A5',
  };

  beforeAll(async () => {
    await upstream.start();
    upstream.route('POST', '/api', async (_req, res: ServerResponse, body) => {
      requests += 1;
      // A burst of 5xx, then a 429 asking for a second's patience, then service.
      if (requests <= 2) {
        res.writeHead(503);
        res.end('busy');
        return;
      }
      if (requests === 3) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end('slow down');
        return;
      }
      const { variables } = JSON.parse(body) as { variables: Record<string, string> };
      const symbols = Object.values(variables).map((v) => ENSEMBL[v] ?? v);
      if (symbols.includes('PKD2')) {
        res.writeHead(500);
        res.end('internal error');
        return;
      }
      if (symbols.includes('NPHS1')) {
        await sleep(800);
        if (res.destroyed) {
          return;
        }
      }
      if (symbols.includes('NPHS2')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data": {"g0": {"gene_id": "ENSG0000011');
        return;
      }
      const data: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(variables)) {
        const alias = `g${name.slice(1)}`;
        data[alias] =
          value === 'ENSG00000008710'
            ? fixture('gene-pkd1.json')
            : value === 'ENSG00000188153'
              ? fixture('gene-col4a5.json')
              : null;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data }));
    });
    t = await createTestApp({
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        UPSTREAM_TIMEOUT_MS: '300',
        GNOMAD_URL: `${upstream.baseUrl}/api`,
      },
    });
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'NPHS1', 'NPHS2', 'COL4A5']);
    await seedHgncIds(t, ids);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('retries, records each lasting failure per gene, and completes with the exact failed list', async () => {
    const admin = (await loginAdmin(t)).accessToken;
    const started = await t
      .http()
      .post('/api/annotations/pipeline/update')
      .set('Authorization', `Bearer ${admin}`)
      .send({ sources: ['gnomad'] })
      .expect(202);
    let run: {
      status: string;
      source_runs: {
        status: string;
        updated: number;
        failed: number;
        error: string | null;
        errors: { symbol: string }[];
      }[];
    } = { status: '', source_runs: [] };
    const ended = await eventually(async () => {
      run = (
        await t
          .http()
          .get(`/api/annotations/pipeline/runs/${started.body.data.id}`)
          .set('Authorization', `Bearer ${admin}`)
      ).body.data;
      return ['completed', 'failed', 'cancelled'].includes(run.status);
    }, 60_000);
    expect([ended, run.status]).toEqual([true, 'completed']);
    // The run completes; the source says three of its five genes failed.
    expect(run.source_runs[0]).toMatchObject({
      status: 'completed_with_errors',
      updated: 2,
      failed: 3,
      error: '3 of 5 genes failed',
    });
    expect(run.source_runs[0].errors.map((e) => e.symbol).sort()).toEqual([
      'NPHS1',
      'NPHS2',
      'PKD2',
    ]);
    const recorded = await failureRows(t, 'gnomad');
    expect(Object.keys(recorded).sort()).toEqual(['NPHS1', 'NPHS2', 'PKD2']);
    const reasons = Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, v.reason]));
    expect(reasons.PKD2).toMatch(/500/);
    expect(reasons.NPHS1).toMatch(/timed out/);
    expect(reasons.NPHS2).toMatch(/JSON/i);
  });
});
