import { deepFreeze } from './cache-key.js';

/** What both layers hold for one key. Times are epoch ms; null means never. */
export interface CacheRecord {
  namespace: string;
  /** Readable key. */
  key: string;
  /**
   * The JSON text as written to L2: what every instance reads back, so the bytes (and the
   * ETag) an HTTP answer sends from it are the same everywhere.
   */
  readonly json: string;
  /** The value after a JSON round trip, deeply frozen (parsed from `json` on first use). */
  readonly value: unknown;
  /** Logical expiry: after it the entry is a miss, but may still be served stale. */
  expiresAt: number | null;
  /** Physical expiry: after it the entry is gone (expiresAt + stale grace). */
  staleUntil: number | null;
  /** Size of the JSON text, for the L1 byte bound and statistics. */
  bytes: number;
}

export type CacheRecordFields = Omit<CacheRecord, 'value'>;

/**
 * A record that parses its JSON text only when `value` is first read: a response the
 * HTTP layer sends from `json` never pays for a parse and a deep freeze it does not use.
 */
class StoredRecord implements CacheRecord {
  readonly namespace: string;
  readonly key: string;
  readonly json: string;
  readonly expiresAt: number | null;
  readonly staleUntil: number | null;
  readonly bytes: number;
  #value: unknown;
  #parsed = false;

  constructor(fields: CacheRecordFields) {
    this.namespace = fields.namespace;
    this.key = fields.key;
    this.json = fields.json;
    this.expiresAt = fields.expiresAt;
    this.staleUntil = fields.staleUntil;
    this.bytes = fields.bytes;
  }

  get value(): unknown {
    if (!this.#parsed) {
      this.#value = deepFreeze(JSON.parse(this.json) as unknown);
      this.#parsed = true;
    }
    return this.#value;
  }
}

export function cacheRecord(fields: CacheRecordFields): CacheRecord {
  return new StoredRecord(fields);
}

export function isFresh(record: CacheRecord, now: number): boolean {
  return record.expiresAt === null || record.expiresAt > now;
}

export function isUsable(record: CacheRecord, now: number): boolean {
  return record.staleUntil === null || record.staleUntil > now;
}
