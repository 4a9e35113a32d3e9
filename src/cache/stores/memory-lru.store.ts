import { type CacheRecord, isUsable } from '../cache-entry.js';

/**
 * L1: an in-process LRU bounded by entry count and by bytes of JSON, read and written
 * synchronously by the cache service (so a write can be checked against the clear
 * generation at the moment it happens).
 */
export class MemoryLruStore {
  private readonly entries = new Map<string, CacheRecord>();
  private totalBytes = 0;
  evictions = 0;

  constructor(
    public maxEntries: number,
    public maxBytes: number,
  ) {}

  /** New bounds take effect at once: entries over them are evicted, oldest first. */
  resize(maxEntries: number, maxBytes: number): void {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.evict();
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Synchronous read that refreshes recency; drops entries past their stale window. */
  peek(key: string, now = Date.now()): CacheRecord | undefined {
    const record = this.entries.get(key);
    if (!record) {
      return undefined;
    }
    if (!isUsable(record, now)) {
      this.remove(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, record);
    return record;
  }

  put(key: string, record: CacheRecord): void {
    if (record.bytes > this.maxBytes) {
      this.remove(key);
      return;
    }
    this.remove(key);
    this.entries.set(key, record);
    this.totalBytes += record.bytes;
    this.evict();
  }

  remove(key: string): boolean {
    const record = this.entries.get(key);
    if (!record) {
      return false;
    }
    this.entries.delete(key);
    this.totalBytes -= record.bytes;
    return true;
  }

  removeNamespace(namespace: string): number {
    let removed = 0;
    for (const [key, record] of this.entries) {
      if (record.namespace === namespace) {
        this.remove(key);
        removed += 1;
      }
    }
    return removed;
  }

  removeAll(): number {
    const removed = this.entries.size;
    this.entries.clear();
    this.totalBytes = 0;
    return removed;
  }

  /** Drops entries past their stale window. */
  sweep(now = Date.now()): number {
    let removed = 0;
    for (const [key, record] of this.entries) {
      if (!isUsable(record, now)) {
        this.remove(key);
        removed += 1;
      }
    }
    return removed;
  }

  countNamespace(namespace: string): { entries: number; bytes: number } {
    let entries = 0;
    let bytes = 0;
    for (const record of this.entries.values()) {
      if (record.namespace === namespace) {
        entries += 1;
        bytes += record.bytes;
      }
    }
    return { entries, bytes };
  }

  private evict(): void {
    // Map iteration order is recency order: the first key is the least recently used.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.totalBytes <= this.maxBytes) {
        break;
      }
      this.remove(key);
      this.evictions += 1;
    }
  }
}
