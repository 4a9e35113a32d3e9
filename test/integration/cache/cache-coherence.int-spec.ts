import { jest } from '@jest/globals';

import { CacheRepository } from '../../../src/cache/cache.repository.js';
import { cacheKey, CacheService } from '../../../src/cache/cache.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { eventually } from '../../support/wait.js';

describe('cache across instances and outages', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  /** Two instances on the test database, their listeners connected; both closed after. */
  async function withTwoInstances(
    use: (instances: { ca: CacheService; cb: CacheService; b: TestApp }) => Promise<void>,
  ): Promise<void> {
    const a = await createTestApp({ databaseUrl: db.url });
    const b = await createTestApp({ databaseUrl: db.url });
    try {
      const ca = a.app.get(CacheService);
      const cb = b.app.get(CacheService);
      expect(await eventually(() => ca.listenerConnected && cb.listenerConnected)).toBe(true);
      await use({ ca, cb, b });
    } finally {
      await a.close();
      await b.close();
    }
  }

  it('invalidates other instances\u2019 L1 within a second of set, delete and clear', async () => {
    await withTwoInstances(async ({ ca, cb }) => {
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
    });
  });

  it('clears namespaces built from one another together, on every instance', async () => {
    // A gene list page (genes) holds totals kept in genes-meta: if another instance ever
    // saw genes cleared while genes-meta still held the old totals, a page filled then
    // would carry them past both clears (a CI run saw such a page served for 15 s).
    await withTwoInstances(async ({ ca, cb }) => {
      for (let round = 0; round < 5; round += 1) {
        await cb.set('page', round, 'genes');
        await cb.set('totals', round, 'genes-meta');
        // B's view of the two namespaces, at every turn of its event loop until both went.
        const seen: string[] = [];
        let watching = true;
        const watch = (): void => {
          const page = cb.l1.countNamespace('genes').entries > 0;
          const totals = cb.l1.countNamespace('genes-meta').entries > 0;
          seen.push(`${page ? 'page' : '-'}/${totals ? 'totals' : '-'}`);
          if (watching && (page || totals)) {
            setImmediate(watch);
          }
        };
        watch();
        await ca.clearNamespaces(['genes', 'genes-meta']);
        expect(
          await eventually(
            () =>
              cb.l1.countNamespace('genes').entries === 0 &&
              cb.l1.countNamespace('genes-meta').entries === 0,
            2000,
          ),
        ).toBe(true);
        watching = false;
        expect(seen[0]).toBe('page/totals');
        expect(seen.filter((s) => s === 'page/-' || s === '-/totals')).toEqual([]);
      }
    });
  });

  it('skips the L2 lookup for keys the table cannot hold, and looks up keys another instance wrote', async () => {
    await withTwoInstances(async ({ ca, cb, b }) => {
      const lookups = jest.spyOn(b.app.get(CacheRepository), 'read');
      const looked = (key: string) =>
        lookups.mock.calls.filter(([k]) => k === cacheKey(key, 'genes').storage).length;

      // A key no instance wrote: straight to the loader, no lookup first.
      expect(await cb.wrap('nobody-wrote', () => Promise.resolve(1), 'genes')).toBe(1);
      expect(looked('nobody-wrote')).toBe(0);

      // Written by A: B hears of it and reads it from L2 instead of loading it again.
      await ca.set('a-wrote', 'from A', 'genes');
      expect(
        await eventually(() =>
          cb.l2Directory.mayHold(cacheKey('a-wrote', 'genes').storage, Date.now()),
        ),
      ).toBe(true);
      let loaded = false;
      const value = await cb.wrap(
        'a-wrote',
        () => {
          loaded = true;
          return Promise.resolve('loaded by B');
        },
        'genes',
      );
      expect([value, loaded, looked('a-wrote')]).toEqual(['from A', false, 1]);

      // Deleted by A: B stops looking it up (a plain get always asks L2).
      await ca.delete('a-wrote', 'genes');
      expect(
        await eventually(
          () => !cb.l2Directory.mayHold(cacheKey('a-wrote', 'genes').storage, Date.now()),
        ),
      ).toBe(true);
      expect(await cb.wrap('a-wrote', () => Promise.resolve('B'), 'genes')).toBe('B');
      expect(looked('a-wrote')).toBe(1);

      // An instance started later learns the rows already there from the table.
      await ca.set('before-c', 'kept', 'genes');
      const c = await createTestApp({ databaseUrl: db.url });
      try {
        const later = c.app.get(CacheService);
        expect(later.l2Directory.known).toBe(true);
        expect(await later.wrap('before-c', () => Promise.resolve('loaded by C'), 'genes')).toBe(
          'kept',
        );
      } finally {
        await c.close();
      }
    });
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
