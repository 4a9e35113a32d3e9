import { RateLimitStore } from './rate-limit.store.js';

describe('RateLimitStore', () => {
  it('counts within a window and blocks past the limit until the block ends', () => {
    const store = new RateLimitStore();
    const t0 = 1_000_000;
    expect(store.hit('k', 2, 1000, 5000, t0)).toEqual({
      count: 1,
      resetAt: t0 + 1000,
      blocked: false,
    });
    expect(store.hit('k', 2, 1000, 5000, t0 + 10).blocked).toBe(false);
    const third = store.hit('k', 2, 1000, 5000, t0 + 20);
    expect(third).toEqual({ count: 3, resetAt: t0 + 20 + 5000, blocked: true });
    // Still blocked after the window ended, because the block is longer.
    expect(store.hit('k', 2, 1000, 5000, t0 + 2000).blocked).toBe(true);
    expect(store.hit('k', 2, 1000, 5000, t0 + 6000)).toMatchObject({ count: 1, blocked: false });
  });

  it('keeps keys independent', () => {
    const store = new RateLimitStore();
    store.hit('a', 1, 1000, 0, 0);
    expect(store.hit('a', 1, 1000, 0, 1).blocked).toBe(true);
    expect(store.hit('b', 1, 1000, 0, 1).blocked).toBe(false);
  });

  it('sweeps expired buckets and bounds its size', () => {
    const store = new RateLimitStore(3);
    for (const key of ['a', 'b', 'c', 'd']) {
      store.hit(key, 10, 1000, 0, 0);
    }
    expect(store.size).toBe(3);
    expect(store.sweep(999)).toBe(0);
    expect(store.sweep(1000)).toBe(3);
    expect(store.size).toBe(0);
  });
});
