import { readFile } from 'node:fs/promises';

import { createTestApp, type TestApp } from '../../support/app-factory.js';

describe('OpenAPI', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves the same spec that is committed in docs/openapi.json', async () => {
    const res = await t.http().get('/openapi.json').expect(200);
    const committed = JSON.parse(
      await readFile(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'),
    );
    expect(res.body).toEqual(committed);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/health/live', '/health/ready', '/version']),
    );
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
  });

  it('states the required role of every operation', async () => {
    const res = await t.http().get('/openapi.json').expect(200);
    const paths = res.body.paths as Record<string, Record<string, { 'x-required-role'?: string }>>;
    const missing = Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(
          ([, op]) =>
            !['anonymous', 'viewer', 'curator', 'admin'].includes(op['x-required-role'] ?? ''),
        )
        .map(([method]) => `${method} ${path}`),
    );
    expect(missing).toEqual([]);
    expect(res.body.components.securitySchemes.oauth2.flows.password.tokenUrl).toBe(
      '/api/auth/login',
    );
  });

  it('serves Swagger UI at /docs with every asset the page references', async () => {
    const page = await t.http().get('/docs').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    const assets = [...page.text.matchAll(/(?:src|href)="(\.\/[^"]+)"/g)].map(
      (m) => new URL(m[1], 'http://host/docs').pathname,
    );
    expect(assets).toEqual(
      expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js']),
    );
    for (const asset of assets) {
      await t.http().get(asset).expect(200);
    }
    const init = await t.http().get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('Kidney Genetics DB API');
  });
});
