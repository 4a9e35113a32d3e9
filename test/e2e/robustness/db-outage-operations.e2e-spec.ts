import { setTimeout as sleep } from 'node:timers/promises';

import { CacheService } from '../../../src/cache/cache.service.js';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { eventually } from '../../support/wait.js';

const SCRAPE_TOKEN = 'outage-scraper-token-0123456789abcdef';

/**
 * What operators rely on while the database is down (issue 20): monitoring and the cache's
 * in-memory figures keep answering, health details tell the truth, failed requests leave
 * one quiet line each, and an expired entry served after a loader failure says so.
 */
describe('operations during a database outage', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
    t = await createTestApp({
      databaseUrl: proxy.urlThrough(db.url),
      env: {
        DB_CONNECT_TIMEOUT_MS: '500',
        DB_STATEMENT_TIMEOUT_MS: '3000',
        RATE_LIMIT_PER_MINUTE: '100000',
        METRICS_TOKEN: SCRAPE_TOKEN,
        CACHE_NAMESPACE_TTLS: 'genes=1',
        CACHE_STALE_GRACE_SECONDS: '3600',
      },
    });
    await seedGenes(t.app, SCORING_DATASET.slice(0, 2));
    admin = (await loginAdmin(t)).accessToken;
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
    await db.drop();
  });

  /** Runs `fn` with the database connection cut, and restores it whatever happens. */
  async function whileCut<T>(fn: () => Promise<T>): Promise<T> {
    proxy.cut();
    try {
      return await fn();
    } finally {
      proxy.restore();
      // Back to normal, including the cache's invalidation listener, which clears L1 when
      // it reconnects (so that a later test's entries are not cleared under it).
      const cache = t.app.get(CacheService);
      expect(await eventually(() => cache.listenerConnected, 15_000)).toBe(true);
      await t.http().get('/health/ready').expect(200);
    }
  }

  it('GET /metrics answers 200 with the in-memory series and marks the database-backed ones down', async () => {
    const scrape = () => t.http().get('/metrics').set('Authorization', `Bearer ${SCRAPE_TOKEN}`);
    const before = await scrape().expect(200);
    expect(before.text).toMatch(/^kgdb_pipeline_stats_up 1$/m);

    const during = await whileCut(() => scrape());
    expect(during.status).toBe(200);
    expect(during.text).toMatch(/^kgdb_pipeline_stats_up 0$/m);
    expect(during.text).toContain('kgdb_cache_l1_entries');
    expect(during.text).toContain('kgdb_db_pool_connections');
    expect(during.text).not.toMatch(/^kgdb_pipeline_runs\{/m);
  });

  it('GET /metrics and the cache statistics accept an admin token signed before the outage', async () => {
    const [metrics, stats] = await whileCut(() =>
      Promise.all([
        t.http().get('/metrics').set('Authorization', `Bearer ${admin}`),
        t.http().get('/api/admin/cache/stats').set('Authorization', `Bearer ${admin}`),
      ]),
    );
    expect(metrics.status).toBe(200);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      l2_available: false,
      stored: null,
      memory: { entries: expect.any(Number), max_entries: expect.any(Number) },
    });
    expect(stats.body.counters).toEqual(expect.objectContaining({ hits: expect.any(Number) }));
    // A route that does not opt in still needs the database to check the session.
    const other = await whileCut(() =>
      t.http().get('/api/admin/system').set('Authorization', `Bearer ${admin}`),
    );
    expect([other.status, other.body.error?.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
  });

  it('GET /health/ready reports the L2 cache unavailable while the database is down', async () => {
    const ready = await whileCut(() => t.http().get('/health/ready'));
    expect(ready.status).toBe(503);
    expect(ready.body.error.details.cache).toMatchObject({ l2_available: false });
  });

  it('logs a request failed by the outage once, at warn, without a stack', async () => {
    const res = await whileCut(() =>
      t
        .http()
        .get('/api/genes?filter[hide_zero_scores]=false&page[size]=9')
        .set('X-Request-ID', 'outage-line-1'),
    );
    expect(res.status).toBe(503);
    // The cache's own notice that L2 is gone (at most one per 30 s, whichever request meets
    // it) is about the cache, not this request.
    const lines = t.logs
      .records()
      .filter((r) => r.request_id === 'outage-line-1' && r.context !== 'CacheService');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      error_code: 'DATABASE_UNAVAILABLE',
      res: { status_code: 503 },
    });
    expect(JSON.stringify(lines[0])).not.toContain('stack');
  });

  it('marks a response served from an expired entry after a loader failure X-Cache: STALE', async () => {
    const url = '/api/genes?filter[hide_zero_scores]=false&page[size]=4';
    const first = await t.http().get(url).expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    // The genes namespace lives 1 s here: wait until this entry has expired.
    await sleep(1200);
    const stale = await whileCut(() => t.http().get(url));
    expect(stale.status).toBe(200);
    expect(stale.headers['x-cache']).toBe('STALE');
    expect(stale.body).toEqual(first.body);
    const fresh = await t.http().get(url).expect(200);
    expect(fresh.headers['x-cache']).toBe('MISS');
  });
});
