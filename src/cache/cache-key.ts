import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal keys normalise equally. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new TypeError(`cache key is not JSON-serialisable: ${String(value)}`);
    }
    return json;
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => stableStringify(v)).join(',')}]`;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return stableStringify((value as { toJSON: () => unknown }).toJSON());
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** Strings and numbers stay readable; anything else becomes sorted JSON. */
export function normaliseKey(key: unknown): string {
  if (typeof key === 'string') {
    return key;
  }
  if (typeof key === 'number' && Number.isFinite(key)) {
    return String(key);
  }
  return stableStringify(key);
}

export interface CacheKey {
  namespace: string;
  /** The readable key, kept for listings. */
  text: string;
  /** `<namespace>:<sha256>`, the key in both layers. */
  storage: string;
}

// Hashing costs more than an L1 hit; remember recent keys' hashes.
const MEMO_MAX = 50_000;
const memo = new Map<string, string>();

export function cacheKey(key: unknown, namespace: string): CacheKey {
  const text = normaliseKey(key);
  const memoKey = `${namespace}\u0001${text}`;
  let storage = memo.get(memoKey);
  if (storage === undefined) {
    storage = `${namespace}:${createHash('sha256').update(`${namespace}:${text}`).digest('hex')}`;
    if (text.length <= 512) {
      if (memo.size >= MEMO_MAX) {
        memo.clear();
      }
      memo.set(memoKey, storage);
    }
  }
  return { namespace, text, storage };
}

/** Freezes a JSON value in place so callers cannot mutate what the cache hands out. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) {
      deepFreeze(child);
    }
  }
  return value;
}
