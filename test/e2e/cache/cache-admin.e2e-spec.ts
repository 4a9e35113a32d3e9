import { CacheService } from '../../../src/cache/cache.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { ProbeModule } from '../../support/probe.module.js';

describe('cache admin endpoints', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule], env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    token = (await loginAdmin(t)).accessToken;
  });
  afterAll(() => t.close());

  const get = (url: string) => t.http().get(url).set('Authorization', `Bearer ${token}`);
  const post = (url: string) => t.http().post(url).set('Authorization', `Bearer ${token}`);
  const del = (url: string) => t.http().delete(url).set('Authorization', `Bearer ${token}`);

  it.each([
    'hgnc',
    'pubtator',
    'gencc',
    'panelapp',
    'hpo',
    'clingen',
    'http',
    'files',
    'never-used',
  ])('reports zeros for the empty namespace %s', async (namespace) => {
    const res = await get(`/api/admin/cache/stats/${namespace}`).expect(200);
    expect(res.body).toMatchObject({
      namespace,
      stored: {
        total_entries: 0,
        active_entries: 0,
        expired_entries: 0,
        total_bytes: 0,
      },
      memory: { entries: 0, bytes: 0 },
      counters: { hits: 0, misses: 0, hit_rate: 0 },
    });
    expect(res.body.ttl_seconds).toBeGreaterThan(0);
  });

  it('rejects an invalid namespace name with 400', async () => {
    const res = await get('/api/admin/cache/stats/Bad%20Name').expect(400);
    expect(res.body.error.details[0].field).toBe('namespace');
  });

  it('reports stored figures, counters and memory per namespace', async () => {
    const cache = t.app.get(CacheService);
    await cache.set('a', { x: 1 }, 'gnomad');
    await cache.set('b', { x: 2 }, 'gnomad');
    await cache.get('a', 'gnomad');
    await cache.get('zzz', 'gnomad');
    const res = await get('/api/admin/cache/stats/gnomad').expect(200);
    expect(res.body.stored).toMatchObject({
      total_entries: 2,
      active_entries: 2,
      expired_entries: 0,
    });
    expect(res.body.stored.total_bytes).toBe(14);
    expect(res.body.counters).toMatchObject({ hits: 1, misses: 1, hit_rate: 0.5, sets: 2 });
    expect(res.body.memory).toEqual({ entries: 2, bytes: 14 });
    const all = await get('/api/admin/cache/stats').expect(200);
    expect(all.body.namespaces.map((n: { namespace: string }) => n.namespace)).toContain('gnomad');
    expect(all.body.memory.max_entries).toBe(10000);
    const names = await get('/api/admin/cache/namespaces').expect(200);
    expect(names.body.namespaces).toEqual(expect.arrayContaining(['gnomad', 'hgnc', 'default']));
  });

  it('lists readable keys page by page', async () => {
    const cache = t.app.get(CacheService);
    for (let i = 0; i < 5; i++) {
      await cache.set({ symbol: `GENE${i}` }, i, 'uniprot');
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(
        `/api/admin/cache/keys?namespace=uniprot&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      expect(res.body.keys.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.keys.map((k: { key: string }) => k.key));
      cursor = res.body.next_cursor as string | null;
    } while (cursor);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `{"symbol":"GENE${i}"}`));
    await get('/api/admin/cache/keys').expect(400);
    await get('/api/admin/cache/keys?namespace=uniprot&limit=5000').expect(400);
  });

  it('clears a namespace and everything', async () => {
    const cache = t.app.get(CacheService);
    await cache.set('x', 1, 'ensembl');
    const res = await del('/api/admin/cache/ensembl').expect(200);
    expect(res.body).toEqual({ namespace: 'ensembl', entries_cleared: 1 });
    expect(await cache.get('x', 'ensembl')).toBeUndefined();
    await cache.set('y', 1, 'gtex');
    const all = await del('/api/admin/cache').expect(200);
    expect(all.body.entries_cleared).toBeGreaterThanOrEqual(1);
    expect(await cache.get('y', 'gtex')).toBeUndefined();
  });

  it('cleans up and reports health', async () => {
    const cleanup = await post('/api/admin/cache/cleanup').expect(200);
    expect(cleanup.body).toEqual({
      l2_deleted: expect.any(Number),
      l1_deleted: expect.any(Number),
      duration_ms: expect.any(Number),
    });
    const health = await get('/api/admin/cache/health').expect(200);
    expect(health.body).toMatchObject({
      status: 'healthy',
      l2_available: true,
      invalidation_listener_connected: true,
      issues: [],
    });
    expect(health.body.last_cleanup.at).toEqual(expect.any(String));
  });

  describe('warm', () => {
    it.each([
      ['no body', undefined],
      ['{}', {}],
      ['{"sources": []}', { sources: [] }],
    ])('warms every registered source with %s', async (_label, body) => {
      const req = post('/api/admin/cache/warm');
      const res = await (body === undefined ? req : req.send(body)).expect(200);
      expect(res.body.available).toEqual(['genes', 'probe-broken', 'probe-source', 'statistics']);
      expect(res.body.warmed).toContainEqual({
        source: 'probe-source',
        entries: 3,
        duration_ms: expect.any(Number),
      });
      expect(res.body.failed).toEqual([{ source: 'probe-broken', reason: 'upstream unreachable' }]);
      expect(res.body.skipped).toEqual([]);
      expect(await t.app.get(CacheService).get('PKD2', 'probe')).toEqual({ symbol: 'PKD2' });
    });

    it('reports unknown sources as skipped with a reason', async () => {
      const res = await post('/api/admin/cache/warm')
        .send({ sources: ['probe-source', 'nonexistent'], force_refresh: true, priority: 'high' })
        .expect(200);
      expect(res.body.warmed.map((w: { source: string }) => w.source)).toEqual(['probe-source']);
      expect(res.body.skipped).toEqual([
        {
          source: 'nonexistent',
          reason: expect.stringContaining(
            'no such source; available: genes, probe-broken, probe-source, statistics',
          ),
        },
      ]);
    });

    it('rejects an invalid priority with 400 naming the field', async () => {
      const res = await post('/api/admin/cache/warm').send({ priority: 'urgent' }).expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['priority']);
    });
  });

  describe('HTTP response cache', () => {
    it('caches public GET responses by path and sorted query', async () => {
      const first = await t.http().get('/__probe/cached?q=a&z=1').expect(200);
      expect(first.headers['x-cache']).toBe('MISS');
      const second = await t.http().get('/__probe/cached?z=1&q=a').expect(200);
      expect(second.headers['x-cache']).toBe('HIT');
      expect(second.body).toEqual(first.body);
      const other = await t.http().get('/__probe/cached?q=b').expect(200);
      expect(other.headers['x-cache']).toBe('MISS');
      expect(other.body.calls).toBe(first.body.calls + 1);
    });

    it('computes a cold response once for concurrent requests', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => t.http().get('/__probe/cached?q=burst')),
      );
      expect(new Set(results.map((r) => r.body.calls)).size).toBe(1);
      expect(results.filter((r) => r.headers['x-cache'] === 'MISS')).toHaveLength(1);
    });
  });
});
