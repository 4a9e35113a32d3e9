import { Logger } from '@nestjs/common';

import type { CacheService } from './cache.service.js';
import { CacheAdminService } from './cache-admin.service.js';
import { CacheWarmerRegistry, type WarmOptions } from './cache-warmers.js';
import { L2Breaker } from './l2-breaker.js';

beforeAll(() => Logger.overrideLogger(false));

/** The parts of CacheService that health() reads, set by each test. */
function fakeCache() {
  const breaker = new L2Breaker(new Logger('test'));
  return {
    breaker,
    /** Whether the table would answer a probe now (the database being up). */
    l2Answers: true,
    l2Reachable(): Promise<boolean> {
      return Promise.resolve(breaker.available() && this.l2Answers);
    },
    listenerConnected: true,
    namespaces: () => Promise.resolve(['annotations', 'hgnc']),
    l1: { size: 10, bytes: 1_000, maxEntries: 100, maxBytes: 100_000, evictions: 3 },
    lastCleanup: null,
  };
}

function setup() {
  const cache = fakeCache();
  const warmers = new CacheWarmerRegistry();
  const service = new CacheAdminService(cache as unknown as CacheService, warmers);
  return { service, cache, warmers };
}

/** A warm function that waits until the test releases it, recording overlap. */
function gatedWarmers(names: string[]) {
  let inFlight = 0;
  const seen = { maxInFlight: 0, calls: [] as { name: string; options: WarmOptions }[] };
  const gates = new Map<string, () => void>();
  const warmers = names.map((name) => ({
    name,
    description: `${name} test data`,
    warm: (options: WarmOptions) => {
      seen.calls.push({ name, options });
      inFlight += 1;
      seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
      return new Promise<number>((resolve) => {
        gates.set(name, () => {
          inFlight -= 1;
          resolve(name.length);
        });
      });
    },
  }));
  /** Releases each warmer as it starts waiting, until `run` has settled; returns its result. */
  const drain = async <T>(run: Promise<T>): Promise<T> => {
    let settled = false;
    const done = run.finally(() => {
      settled = true;
    });
    while (!settled) {
      await new Promise((r) => setImmediate(r));
      for (const [name, open] of gates) {
        gates.delete(name);
        open();
      }
    }
    return done;
  };
  return { warmers, seen, drain };
}

describe('CacheAdminService.health', () => {
  it('is healthy with L2 up, the listener connected and memory below 90%', async () => {
    const { service } = setup();
    expect(await service.health()).toMatchObject({
      status: 'healthy',
      l2_available: true,
      l2_retry_at: null,
      issues: [],
      memory: { entries: 10, bytes: 1_000, max_entries: 100, max_bytes: 100_000, evictions: 3 },
      // What the original Cache page reads.
      namespaces: ['annotations', 'hgnc'],
      cache_enabled: true,
      memory_cache_size: 10,
      database_connected: true,
    });
  });

  it('is degraded while L2 is skipped, saying until when and why', async () => {
    const { service, cache } = setup();
    const failedAt = Date.now() + 60_000;
    cache.breaker.failure(new Error('connection refused'), failedAt);
    cache.breaker.dropWrite(failedAt);
    const health = await service.health();
    expect(health).toMatchObject({
      status: 'degraded',
      l2_available: false,
      l2_retry_at: new Date(failedAt + 5_000).toISOString(),
      l2_last_error: 'connection refused',
      dropped_writes: 1,
    });
    expect(health.issues).toEqual([
      'L2 (PostgreSQL) unavailable: serving from memory, writes not persisted',
    ]);
  });

  it('is degraded when L2 does not answer, before any cache call has met the outage', async () => {
    const { service, cache } = setup();
    cache.l2Answers = false;
    expect(await service.health()).toMatchObject({ status: 'degraded', l2_available: false });
  });

  it('is degraded without the invalidation listener', async () => {
    const { service, cache } = setup();
    cache.listenerConnected = false;
    const health = await service.health();
    expect(health.status).toBe('degraded');
    expect(health.invalidation_listener_connected).toBe(false);
    expect(health.issues).toEqual([
      'invalidation listener disconnected: other instances may serve stale entries',
    ]);
  });

  it.each([
    ['entries', { size: 90 }],
    ['bytes', { bytes: 90_000 }],
  ])('warns, still healthy, when memory %s reach 90% of the bound', async (_what, l1) => {
    const { service, cache } = setup();
    Object.assign(cache.l1, l1);
    const health = await service.health();
    expect(health.status).toBe('healthy');
    expect(health.issues).toEqual(['in-memory cache above 90% of its bound']);
    Object.assign(cache.l1, { size: 89, bytes: 89_999 });
    expect((await service.health()).issues).toEqual([]);
  });
});

describe('CacheAdminService.warm', () => {
  it('says so when no source has registered a warm function', async () => {
    const { service } = setup();
    const result = await service.warm({ sources: ['genes'] });
    expect(result).toMatchObject({
      warmed: [],
      failed: [],
      skipped: [{ source: 'genes', reason: 'no such source; available: none registered yet' }],
      available: [],
      entries_created: 0,
      message: 'No source has registered a warm function yet; nothing was preloaded',
    });
  });

  it('warms every source for an empty list, and only the named ones otherwise', async () => {
    const { service, warmers } = setup();
    const gated = gatedWarmers(['genes', 'annotations', 'statistics']);
    for (const w of gated.warmers) {
      warmers.register(w);
    }
    const all = await gated.drain(service.warm({ sources: [] }));
    expect(all.warmed.map((w) => w.source).sort()).toEqual(['annotations', 'genes', 'statistics']);

    const some = setup();
    const named = gatedWarmers(['genes', 'annotations']);
    for (const w of named.warmers) {
      some.warmers.register(w);
    }
    const done = await named.drain(
      some.service.warm({ sources: ['genes', 'genes', 'nope'], force_refresh: true }),
    );
    // Asked twice, warmed once; an unknown name is skipped, not an error.
    expect(named.seen.calls).toEqual([{ name: 'genes', options: { forceRefresh: true } }]);
    expect(done.warmed).toEqual([{ source: 'genes', entries: 5, duration_ms: expect.any(Number) }]);
    expect(done.skipped).toEqual([
      { source: 'nope', reason: 'no such source; available: annotations, genes' },
    ]);
    expect(done.message).toBe('Warmed 1 source(s), 5 entries; 0 failed, 1 skipped');
  });

  it.each([
    ['low', 1],
    [undefined, 2],
    ['high', 4],
  ] as const)(
    'runs at most the priority’s number of warmers at once (%s → %i)',
    async (priority, n) => {
      const { service, warmers } = setup();
      const gated = gatedWarmers(['a1', 'b22', 'c333', 'd4444', 'e55555', 'f666666']);
      for (const w of gated.warmers) {
        warmers.register(w);
      }
      const result = await gated.drain(service.warm({ priority }));
      expect(result.entries_created).toBe(2 + 3 + 4 + 5 + 6 + 7);
      expect(gated.seen.maxInFlight).toBe(n);
    },
  );

  it('reports a failing warmer and goes on with the others', async () => {
    const { service, warmers } = setup();
    warmers.register({
      name: 'broken',
      description: 'fails',
      warm: () => Promise.reject(new Error('upstream said no')),
    });
    warmers.register({ name: 'fine', description: 'works', warm: () => Promise.resolve(7) });
    const result = await service.warm({ priority: 'low' });
    expect(result.failed).toEqual([{ source: 'broken', reason: 'upstream said no' }]);
    expect(result.warmed.map((w) => [w.source, w.entries])).toEqual([['fine', 7]]);
    expect(result.entries_created).toBe(7);
  });
});
