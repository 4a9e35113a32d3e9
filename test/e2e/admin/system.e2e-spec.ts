import { migrations } from '../../../migrations/index.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';

describe('version and system', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { GIT_COMMIT: '476b7021c0ffee' } });
    admin = (await loginAdmin(t)).accessToken;
  });
  const sql = testDb(() => t.database!.url);
  afterAll(async () => {
    await sql.close();
    await t?.close();
  });

  it('GET /version names app, commit, schema, Node, PostgreSQL and environment', async () => {
    const res = await t.http().get('/version').expect(200);
    expect(res.body).toMatchObject({
      name: 'kidney-genetics-db',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      commit: '476b7021c0ffee',
      environment: 'test',
      node: process.version,
      database: {
        server: expect.stringMatching(/^\d+/),
        migration: new (migrations.at(-1)!)().name,
      },
    });
  });

  it('GET /api/admin/system reports process, database, cache and queue figures', async () => {
    await t.http().get('/api/genes').expect(200);
    const res = await t
      .http()
      .get('/api/admin/system')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const body = res.body;
    expect(body.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(body.memory.rss_bytes).toBeGreaterThan(0);
    expect(body.database.size_bytes).toBeGreaterThan(0);
    const tables = (body.database.tables as { table: string; total_bytes: number }[]).map(
      (x) => x.table,
    );
    expect(tables).toEqual(expect.arrayContaining(['public.genes', 'public.system_settings']));
    expect(body.cache.l1.entries).toBeGreaterThan(0);
    expect(body.cache.l2.entries).toBeGreaterThan(0);
    expect(body.queue).toEqual({ runs: expect.any(Object), jobs: expect.any(Object) });
  });

  it('GET /api/admin/system reports the rows of a table never analysed, not 0', async () => {
    // A table the planner knows nothing about yet (reltuples = -1), large enough to be
    // among the largest; autovacuum kept off so that it stays unanalysed.
    await sql.exec(
      `CREATE TABLE public.unanalysed_rows (id int, pad text) WITH (autovacuum_enabled = false)`,
    );
    await sql.exec(
      `INSERT INTO public.unanalysed_rows SELECT i, repeat('x', 900) FROM generate_series(1, 3000) i`,
    );
    const { reltuples } = await sql.one<{ reltuples: number }>(
      `SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = 'public.unanalysed_rows'::regclass`,
    );
    expect(reltuples).toBe(-1);
    const res = await t
      .http()
      .get('/api/admin/system')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const row = (res.body.database.tables as { table: string }[]).find(
      (x) => x.table === 'public.unanalysed_rows',
    );
    expect(row).toMatchObject({ rows_estimate: 3000, rows_source: 'count' });
  });
});
