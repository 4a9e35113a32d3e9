/** What both layers hold for one key. Times are epoch ms; null means never. */
export interface CacheRecord {
  namespace: string;
  /** Readable key. */
  key: string;
  /** The value after a JSON round trip, deeply frozen. */
  value: unknown;
  /** Logical expiry: after it the entry is a miss, but may still be served stale. */
  expiresAt: number | null;
  /** Physical expiry: after it the entry is gone (expiresAt + stale grace). */
  staleUntil: number | null;
  /** Size of the JSON text, for the L1 byte bound and statistics. */
  bytes: number;
}

export function isFresh(record: CacheRecord, now: number): boolean {
  return record.expiresAt === null || record.expiresAt > now;
}

export function isUsable(record: CacheRecord, now: number): boolean {
  return record.staleUntil === null || record.staleUntil > now;
}
