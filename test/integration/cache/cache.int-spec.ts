import { setTimeout as sleep } from 'node:timers/promises';

import { CacheService } from '../../../src/cache/cache.service.js';
import { cacheKey } from '../../../src/cache/cache-key.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';

describe('CacheService on PostgreSQL', () => {
  let db: TestDatabase;
  let t: TestApp;
  let cache: CacheService;
  const sql = testDb(() => db.url);

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp({ databaseUrl: db.url, env: { CACHE_STALE_GRACE_SECONDS: '60' } });
    cache = t.app.get(CacheService);
  });
  afterAll(async () => {
    await sql.close();
    await t.close();
    await db.drop();
  });

  it('round-trips values through JSON and tells a cached null from a miss', async () => {
    await cache.set(
      { gene: 'PKD1', v: 1 },
      { when: new Date('2026-01-01T00:00:00Z'), n: [1, 2] },
      'genes',
    );
    expect(await cache.get({ v: 1, gene: 'PKD1' }, 'genes')).toEqual({
      when: '2026-01-01T00:00:00.000Z',
      n: [1, 2],
    });
    await cache.set('nothing', null, 'genes');
    expect(await cache.get('nothing', 'genes')).toBeNull();
    expect(await cache.get('never-set', 'genes')).toBeUndefined();
    const [row] = await sql.rows(
      'SELECT key_text, data, cache_key FROM cache_entries WHERE key_text = $1',
      ['nothing'],
    );
    expect(row).toMatchObject({ key_text: 'nothing', data: null });
    expect(row.cache_key).toMatch(/^genes:[0-9a-f]{64}$/);
  });

  it('hands out frozen values so callers cannot corrupt the cache', async () => {
    await cache.set('frozen', { list: [1] }, 'genes');
    const value = (await cache.get<{ list: number[] }>('frozen', 'genes'))!;
    expect(() => value.list.push(2)).toThrow(TypeError);
  });

  it('promotes an L2 hit to L1 with its remaining TTL', async () => {
    await cache.set('promote', 'v', 'genes', 100);
    const storage = cacheKey('promote', 'genes').storage;
    const original = cache.l1.peek(storage)!.expiresAt!;
    cache.l1.remove(storage);
    const before = cache.counters.report('genes').hits_l2;
    expect(await cache.get('promote', 'genes')).toBe('v');
    expect(cache.counters.report('genes').hits_l2).toBe(before + 1);
    expect(cache.l1.peek(storage)!.expiresAt).toBe(original);
  });

  it('reads an L2 entry without writing it: no new row version per hit', async () => {
    await cache.set('read-only', { v: 1 }, 'genes', 100);
    await cache.flushWrites();
    const storage = cacheKey('read-only', 'genes').storage;
    const version = async () =>
      (
        await sql.one<{ v: string }>(
          'SELECT xmin::text AS v FROM cache_entries WHERE cache_key = $1',
          [storage],
        )
      ).v;
    const before = await version();
    for (let i = 0; i < 3; i += 1) {
      cache.l1.remove(storage);
      expect(await cache.get('read-only', 'genes')).toEqual({ v: 1 });
    }
    // An UPDATE (the access counting an L2 read once did) would leave a new xmin.
    expect(await version()).toBe(before);
  });

  it('expires entries after their TTL', async () => {
    await cache.set('short', 'v', 'genes', 1);
    expect(await cache.get('short', 'genes')).toBe('v');
    await sleep(1100);
    expect(await cache.get('short', 'genes')).toBeUndefined();
  });

  it('keeps L2 across a restart of the app', async () => {
    await cache.set('durable', { kept: true }, 'hgnc');
    const second = await createTestApp({ databaseUrl: db.url });
    try {
      expect(await second.app.get(CacheService).get('durable', 'hgnc')).toEqual({ kept: true });
    } finally {
      await second.close();
    }
  });

  it('runs the loader once for 1,000 concurrent callers of a cold key', async () => {
    let calls = 0;
    const loader = async () => {
      calls += 1;
      await sleep(50);
      return { computed: calls };
    };
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => cache.wrap('cold', loader, 'genes')),
    );
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r)))).toEqual(new Set(['{"computed":1}']));
    expect(await cache.wrap('cold', loader, 'genes')).toEqual({ computed: 1 });
    expect(calls).toBe(1);
  });

  it('propagates a loader rejection to every waiter and caches nothing', async () => {
    let calls = 0;
    const failing = async () => {
      calls += 1;
      await sleep(20);
      throw new Error('upstream down');
    };
    const settled = await Promise.allSettled(
      Array.from({ length: 100 }, () => cache.wrap('flaky', failing, 'genes')),
    );
    expect(calls).toBe(1);
    expect(
      settled.every(
        (s) => s.status === 'rejected' && (s.reason as Error).message === 'upstream down',
      ),
    ).toBe(true);
    expect(await cache.get('flaky', 'genes')).toBeUndefined();
    expect(await cache.wrap('flaky', async () => 'recovered', 'genes')).toBe('recovered');
  });

  it('serves an expired entry within the grace window when the loader fails', async () => {
    await cache.set('stale-ok', 'old value', 'pubtator', 1);
    await sleep(1100);
    const before = cache.counters.report('pubtator').stale_serves;
    const value = await cache.wrap(
      'stale-ok',
      () => Promise.reject(new Error('503 from upstream')),
      'pubtator',
    );
    expect(value).toBe('old value');
    expect(cache.counters.report('pubtator').stale_serves).toBe(before + 1);
    const logged = t.logs
      .records()
      .find((r) => String(r.msg).includes('serving the expired entry'));
    expect(logged).toBeDefined();
    // The next call retries the loader rather than keeping the stale value for ever.
    expect(await cache.wrap('stale-ok', async () => 'fresh value', 'pubtator')).toBe('fresh value');
  });

  it('survives 50 concurrent sets that force eviction', async () => {
    const small = await createTestApp({ databaseUrl: db.url, env: { CACHE_L1_MAX_ENTRIES: '20' } });
    try {
      const c = small.app.get(CacheService);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          c.set(`evict-${i}`, { i, pad: 'x'.repeat(100) }, 'genes'),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(c.l1.size).toBe(20);
      expect(c.l1.evictions).toBe(30);
      // Evicted from memory, still in L2.
      expect(await c.get('evict-0', 'genes')).toEqual({ i: 0, pad: 'x'.repeat(100) });
    } finally {
      await small.close();
    }
  });

  it('clears a namespace and deletes single keys', async () => {
    for (let i = 0; i < 5; i++) {
      await cache.set({ page: i }, i, 'statistics');
    }
    const first = await cache.get({ page: 0 }, 'statistics');
    expect(first).toBe(0);
    expect(await cache.clearNamespace('statistics')).toBe(5);
    expect(await cache.get({ page: 0 }, 'statistics')).toBeUndefined();
    await cache.set('keep', 1, 'files');
    expect(await cache.delete('keep', 'files')).toBe(true);
    expect(await cache.delete('keep', 'files')).toBe(false);
  });

  it('purges only entries past their stale window', async () => {
    const strict = await createTestApp({
      databaseUrl: db.url,
      env: { CACHE_STALE_GRACE_SECONDS: '0' },
    });
    try {
      const c = strict.app.get(CacheService);
      await c.set('gone', 1, 'http', 1);
      await c.set('stays', 1, 'http', 3600);
      await sleep(1100);
      const result = await c.cleanupExpired();
      expect(result.l2_deleted).toBeGreaterThanOrEqual(1);
      const left = await sql.rows("SELECT key_text FROM cache_entries WHERE namespace = 'http'");
      expect(left.map((r) => r.key_text)).toEqual(['stays']);
    } finally {
      await strict.close();
    }
  });

  it('lists namespaces and readable keys, and reports zeros for an empty namespace', async () => {
    for (let i = 0; i < 3; i++) {
      await cache.set({ symbol: `K${i}` }, i, 'ensembl');
    }
    expect(await cache.namespaces()).toEqual(
      expect.arrayContaining(['ensembl', 'hgnc', 'default']),
    );
    const first = await cache.keys('ensembl', { limit: 2 });
    expect(first.keys).toHaveLength(2);
    const rest = await cache.keys('ensembl', { limit: 2, cursor: first.next_cursor! });
    expect(rest.next_cursor).toBeNull();
    expect([...first.keys, ...rest.keys].map((k) => k.key).sort()).toEqual([
      '{"symbol":"K0"}',
      '{"symbol":"K1"}',
      '{"symbol":"K2"}',
    ]);
    const empty = await cache.stats('nothing-here');
    expect(empty.stored?.total_entries).toBe(0);
    expect(empty.counters.hits).toBe(0);
  });

  it('counts exactly under concurrency', async () => {
    await cache.set('counted', 1, 'clinvar');
    const before = cache.counters.report('clinvar');
    await Promise.all(Array.from({ length: 100 }, () => cache.get('counted', 'clinvar')));
    const after = cache.counters.report('clinvar');
    expect(after.hits_l1 - before.hits_l1).toBe(100);
    expect(after.hit_rate).toBeGreaterThan(0);
  });
});
