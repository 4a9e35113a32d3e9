import { cacheKey, deepFreeze, normaliseKey, stableStringify } from './cache-key.js';

describe('cache keys', () => {
  it('normalises objects with sorted keys at every depth', () => {
    expect(stableStringify({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(normaliseKey({ x: 1, y: 2 })).toBe(normaliseKey({ y: 2, x: 1 }));
    expect(normaliseKey('PKD1')).toBe('PKD1');
    expect(normaliseKey(42)).toBe('42');
    expect(normaliseKey(new Date('2026-01-02T00:00:00Z'))).toBe('"2026-01-02T00:00:00.000Z"');
  });

  it('builds <namespace>:<sha256> storage keys that differ across namespaces', () => {
    const a = cacheKey({ symbol: 'PKD1' }, 'hgnc');
    expect(a.storage).toMatch(/^hgnc:[0-9a-f]{64}$/);
    expect(a.text).toBe('{"symbol":"PKD1"}');
    expect(cacheKey({ symbol: 'PKD1' }, 'hgnc').storage).toBe(a.storage);
    expect(cacheKey({ symbol: 'PKD1' }, 'gnomad').storage).not.toBe(
      a.storage.replace('hgnc', 'gnomad'),
    );
  });

  it('rejects keys that are not JSON-serialisable', () => {
    expect(() => normaliseKey(undefined)).toThrow(TypeError);
    expect(() => normaliseKey(() => 1)).toThrow(TypeError);
  });

  it('deep-freezes values', () => {
    const v = deepFreeze({ a: { b: [1, { c: 2 }] } });
    expect(Object.isFrozen(v.a.b[1])).toBe(true);
    expect(() => {
      (v.a.b as unknown[]).push(3);
    }).toThrow(TypeError);
  });
});
