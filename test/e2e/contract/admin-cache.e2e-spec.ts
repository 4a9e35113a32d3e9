import { CacheService } from '../../../src/cache/cache.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';

/**
 * The original Cache page and admin dashboard (frontend/src/api/admin/cache.ts) against
 * this service, and the original's other cache operations, all for admins only.
 */
describe('original admin Cache page', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let cache: CacheService;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = { Authorization: `Bearer ${(await loginAdmin(t)).accessToken}` };
    cache = t.app.get(CacheService);
    await cache.set('PKD1', { x: 1 }, 'contract-ns');
    await cache.set('PKD2', { x: 2 }, 'contract-ns');
    await cache.get('PKD1', 'contract-ns');
    await cache.get('absent', 'contract-ns');
  });
  afterAll(() => t.close());

  const get = (path: string) => t.http().get(path).set(admin).expect(200);

  it('gives the flat statistics the page and dashboard read', async () => {
    const { body } = await get('/api/admin/cache/stats');
    expect(body.hit_rate).toBeGreaterThan(0);
    expect(body.hit_rate).toBeLessThanOrEqual(1);
    expect(body.hit_rate).toBe(body.counters.hit_rate);
    expect(body.total_entries).toBe(body.stored.total_entries);
    expect(body.total_entries).toBeGreaterThanOrEqual(2);
    expect(body.db_entries).toBe(body.stored.total_entries);
    expect(body.total_size_bytes).toBe(body.stored.total_bytes);
    expect(body.total_size_bytes).toBeGreaterThan(0);
  });

  it('lists the namespaces in health, and each namespace’s figures flat', async () => {
    const health = (await get('/api/admin/cache/health')).body;
    expect(health).toMatchObject({
      status: 'healthy',
      cache_enabled: true,
      database_connected: true,
      memory_cache_size: expect.any(Number),
    });
    expect(health.namespaces).toContain('contract-ns');
    const ns = (await get('/api/admin/cache/stats/contract-ns')).body;
    expect(ns).toMatchObject({
      total_entries: 2,
      active_entries: 2,
      expired_entries: 0,
      total_size_bytes: ns.stored.total_bytes,
      oldest_entry: expect.any(String),
      newest_entry: expect.any(String),
      ttl_seconds: expect.any(Number),
    });
    expect(ns.total_size_bytes).toBeGreaterThan(0);
  });

  it('pages keys by number and deletes one key', async () => {
    const first = (await get('/api/admin/cache/keys/contract-ns?page=1&page_size=1')).body;
    expect(first).toMatchObject({ namespace: 'contract-ns', total_keys: 2, has_more: true });
    const second = (await get('/api/admin/cache/keys/contract-ns?page=2&page_size=1')).body;
    expect(second.has_more).toBe(false);
    const keys = [first.keys[0].key, second.keys[0].key].sort();
    expect(keys).toEqual(['PKD1', 'PKD2']);
    const del = await t.http().delete('/api/admin/cache/contract-ns/PKD2').set(admin).expect(200);
    expect(del.body).toMatchObject({ deleted: true, entries_cleared: 1 });
    expect(await cache.get('PKD2', 'contract-ns')).toBeUndefined();
    // A key that is not there is a 404 (the original claimed success).
    const again = await t.http().delete('/api/admin/cache/contract-ns/PKD2').set(admin).expect(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
    await t.http().delete('/api/admin/cache/contract-ns/%00').set(admin).expect(400);
    await t.http().get('/api/admin/cache/keys/contract-ns?page=0').set(admin).expect(400);
    await t.http().get('/api/admin/cache/keys/contract-ns?page_size=1001').set(admin).expect(400);
    await t.http().get('/api/admin/cache/keys/Bad!NS').set(admin).expect(400);
  });

  it('reports configuration, pool, performance and health from the live state', async () => {
    const config = (await get('/api/admin/cache/config')).body;
    expect(config).toMatchObject({ enabled: true, max_memory_entries: cache.l1.maxEntries });
    expect(config.default_ttl).toBe(cache.defaultTtl);
    const pool = (await get('/api/admin/cache/database/pool-health')).body;
    expect(pool.status).toMatch(/^(healthy|warning|critical)$/);
    expect(pool.pool.size).toBeGreaterThan(0);
    expect(pool.pool.total).toBe(pool.pool.checked_out + pool.pool.idle);
    const perf = (await get('/api/admin/cache/monitoring/performance')).body;
    const ns = perf.namespaces.find((n: { namespace: string }) => n.namespace === 'contract-ns');
    // One hit (PKD1) and the misses of this file's lookups of absent keys.
    const counted = cache.counters.report('contract-ns');
    expect(ns).toEqual({
      namespace: 'contract-ns',
      hits: 1,
      misses: counted.misses,
      hit_rate: counted.hit_rate,
    });
    expect(counted.misses).toBeGreaterThanOrEqual(1);
    const health = (await get('/api/admin/cache/monitoring/health')).body;
    expect(health.summary.total_components).toBe(4);
    expect(health.summary.components_healthy).toBeGreaterThanOrEqual(3);
    const dashboard = (await get('/api/admin/cache/monitoring/dashboard')).body;
    expect(Object.keys(dashboard).sort()).toEqual(
      ['config', 'database_pool', 'health', 'performance', 'stats', 'timestamp'].sort(),
    );
  });

  it('serves the cache series in the Prometheus text format', async () => {
    const res = await t.http().get('/api/admin/cache/metrics/prometheus').set(admin).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('kgdb_cache_lookups_total{namespace="contract-ns"');
    expect(res.text).toContain('kgdb_cache_l1_entries');
  });

  it('warms and clears everything through the monitoring operations', async () => {
    const warm = await t.http().post('/api/admin/cache/monitoring/warm-all').set(admin).expect(200);
    expect(warm.body).toHaveProperty('available');
    const clear = await t
      .http()
      .post('/api/admin/cache/monitoring/clear-all')
      .set(admin)
      .expect(200);
    expect(clear.body.success).toBe(true);
    expect(clear.body.entries_cleared).toBeGreaterThanOrEqual(1);
    expect(await cache.get('PKD1', 'contract-ns')).toBeUndefined();
  });

  it('refuses every one of them to anonymous callers', async () => {
    for (const path of [
      '/api/admin/cache/config',
      '/api/admin/cache/monitoring/dashboard',
      '/api/admin/cache/metrics/prometheus',
    ]) {
      await t.http().get(path).expect(401);
    }
    await t.http().post('/api/admin/cache/monitoring/clear-all').expect(401);
    await t.http().delete('/api/admin/cache/contract-ns/PKD1').expect(401);
  });
});
