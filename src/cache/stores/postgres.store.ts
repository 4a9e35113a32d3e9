import { EventEmitter } from 'node:events';

import type { KeyvStoreAdapter, StoredData } from 'keyv';

import type { CacheRepository } from '../cache.repository.js';
import type { CacheRecord } from '../cache-entry.js';

export type RecordWithJson = CacheRecord & { json?: string };

/**
 * L2: a Keyv store over the `cache_entries` table. Keyv hands it `{value, expires}`
 * unserialised (the cache passes `serialize: undefined`), where `value` is the record.
 */
export class PostgresCacheStore extends EventEmitter implements KeyvStoreAdapter {
  opts: Record<string, unknown> = {};
  namespace?: string;

  constructor(private readonly repository: CacheRepository) {
    super();
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const record = await this.repository.read(key);
    if (!record) {
      return undefined;
    }
    return { value: record, expires: record.staleUntil ?? undefined } as StoredData<Value>;
  }

  async set(key: string, stored: { value: RecordWithJson }): Promise<boolean> {
    const { json, ...record } = stored.value;
    await this.repository.write(key, record, json ?? JSON.stringify(record.value));
    return true;
  }

  delete(key: string): Promise<boolean> {
    return this.repository.delete(key);
  }

  async clear(): Promise<void> {
    await this.repository.deleteAll();
  }
}
