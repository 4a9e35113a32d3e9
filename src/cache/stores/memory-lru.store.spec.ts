import { type CacheRecord, cacheRecord } from '../cache-entry.js';
import { MemoryLruStore } from './memory-lru.store.js';

const record = (namespace: string, bytes = 10, expiresAt: number | null = null): CacheRecord =>
  cacheRecord({ namespace, key: 'k', json: '1', bytes, expiresAt, staleUntil: expiresAt });

describe('MemoryLruStore', () => {
  it('evicts the least recently used entry beyond the entry bound', () => {
    const store = new MemoryLruStore(2, 1_000);
    store.put('a', record('n'));
    store.put('b', record('n'));
    store.peek('a'); // a is now the most recent
    store.put('c', record('n'));
    expect(store.peek('b')).toBeUndefined();
    expect(store.peek('a')).toBeDefined();
    expect(store.peek('c')).toBeDefined();
    expect(store.evictions).toBe(1);
  });

  it('bounds total bytes and refuses a single entry larger than the bound', () => {
    const store = new MemoryLruStore(100, 100);
    store.put('a', record('n', 60));
    store.put('b', record('n', 60));
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(60);
    store.put('huge', record('n', 101));
    expect(store.peek('huge')).toBeUndefined();
    expect(store.bytes).toBe(60);
  });

  it('keeps byte accounting exact across replace, remove and namespaces', () => {
    const store = new MemoryLruStore(100, 10_000);
    store.put('a', record('x', 10));
    store.put('a', record('x', 30));
    store.put('b', record('y', 5));
    expect(store.bytes).toBe(35);
    expect(store.countNamespace('x')).toEqual({ entries: 1, bytes: 30 });
    expect(store.removeNamespace('x')).toBe(1);
    expect(store.bytes).toBe(5);
    store.removeAll();
    expect([store.size, store.bytes]).toEqual([0, 0]);
  });

  it('drops entries past their stale window on read and on sweep', () => {
    const store = new MemoryLruStore(100, 10_000);
    store.put('old', record('n', 1, 1_000));
    store.put('new', record('n', 1, 5_000));
    expect(store.peek('old', 2_000)).toBeUndefined();
    store.put('old', record('n', 1, 1_000));
    expect(store.sweep(2_000)).toBe(1);
    expect(store.size).toBe(1);
  });
});
