import pg from 'pg';

import { cacheKey, CacheService } from '../../../src/cache/cache.service.js';
import { createTestApp } from '../../support/app-factory.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { eventually } from '../../support/wait.js';

describe('cache across instances and outages', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('invalidates other instances\u2019 L1 within a second of set, delete and clear', async () => {
    const a = await createTestApp({ databaseUrl: db.url });
    const b = await createTestApp({ databaseUrl: db.url });
    try {
      const ca = a.app.get(CacheService);
      const cb = b.app.get(CacheService);
      expect(await eventually(() => ca.listenerConnected && cb.listenerConnected)).toBe(true);

      await ca.set('shared', 'v1', 'genes');
      expect(await cb.get('shared', 'genes')).toBe('v1'); // now in B's L1
      await ca.set('shared', 'v2', 'genes');
      expect(await eventually(async () => (await cb.get('shared', 'genes')) === 'v2', 1000)).toBe(
        true,
      );

      await ca.delete('shared', 'genes');
      expect(
        await eventually(async () => (await cb.get('shared', 'genes')) === undefined, 1000),
      ).toBe(true);

      await cb.set('ns-wide', 1, 'hpo');
      expect(await ca.get('ns-wide', 'hpo')).toBe(1);
      await cb.clearNamespace('hpo');
      expect(await eventually(() => ca.l1.countNamespace('hpo').entries === 0, 1000)).toBe(true);

      await ca.set('everything', 1, 'gtex');
      expect(await cb.get('everything', 'gtex')).toBe(1);
      await ca.clearAll();
      expect(await eventually(() => cb.l1.size === 0, 1000)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('notifies other instances when a write replaces an entry, not when it adds one', async () => {
    const a = await createTestApp({ databaseUrl: db.url });
    const listener = new pg.Client({ connectionString: db.url });
    const heard: string[] = [];
    try {
      await listener.connect();
      listener.on('notification', (n) => heard.push(n.payload ?? ''));
      await listener.query('LISTEN kgdb_cache_invalidation');
      const cache = a.app.get(CacheService);
      // A round trip on the listener after each write: notifications sent before it arrive first.
      const settle = () => listener.query('SELECT 1');

      await cache.set('first-fill', 1, 'genes');
      await settle();
      expect(heard).toEqual([]);

      await cache.set('first-fill', 2, 'genes');
      await settle();
      expect(heard).toHaveLength(1);
      expect(heard[0]).toContain(cacheKey('first-fill', 'genes').storage);
    } finally {
      await listener.end();
      await a.close();
    }
  });

  it('keeps serving from memory when L2 is down, and recovers', async () => {
    const proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
    const t = await createTestApp({
      databaseUrl: proxy.urlThrough(db.url),
      env: { DB_CONNECT_TIMEOUT_MS: '300' },
    });
    try {
      const cache = t.app.get(CacheService);
      await cache.set('before-outage', 'cached', 'genes');
      proxy.cut();

      expect(await cache.get('before-outage', 'genes')).toBe('cached');
      let loads = 0;
      const value = await cache.wrap('during-outage', async () => ++loads, 'genes');
      expect(value).toBe(1);
      expect(await cache.wrap('during-outage', async () => ++loads, 'genes')).toBe(1);
      await cache.set('written-during-outage', 'x', 'genes');
      expect(await cache.get('written-during-outage', 'genes')).toBe('x');
      expect(cache.breaker.droppedWrites).toBeGreaterThanOrEqual(1);
      expect(cache.counters.report('genes').errors).toBeGreaterThanOrEqual(1);

      const ready = await t.http().get('/health/ready');
      expect(ready.status).toBe(503); // the database itself is down
      expect(ready.body.error.details.cache.status).toBe('degraded');

      proxy.restore();
      // The breaker retries L2 after its short window; writes persist again.
      // A write made while the breaker was still open stays in memory only, so
      // each attempt proves the round trip: write, forget L1, read back from L2.
      expect(
        await eventually(async () => {
          await cache.set('after-outage', 'y', 'genes');
          cache.l1.removeAll();
          return (await cache.get('after-outage', 'genes')) === 'y';
        }, 15_000),
      ).toBe(true);
      expect(cache.breaker.available()).toBe(true);
    } finally {
      await t.close();
      await proxy.stop();
    }
  });
});
