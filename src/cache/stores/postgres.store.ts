import { EventEmitter } from 'node:events';

import type { KeyvStoreAdapter, StoredData } from 'keyv';

import type { CacheRepository } from '../cache.repository.js';
import type { CacheRecord } from '../cache-entry.js';

/** A record on its way to L2: its JSON text, and the generation its fill started under. */
export type RecordWithJson = CacheRecord & { json: string; generation: number };

/**
 * L2: a Keyv store over the `cache_entries` table, whose `json` column keeps the text
 * written, so a read gives back the same key order on every instance. Keyv hands it `{value, expires}`
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

  /** False when the table refused the write: a clear came after the fill started. */
  set(key: string, stored: { value: RecordWithJson }): Promise<boolean> {
    const { json, generation, ...record } = stored.value;
    return this.repository.write(key, record, json, generation);
  }

  delete(key: string): Promise<boolean> {
    return this.repository.delete(key);
  }

  async clear(): Promise<void> {
    await this.repository.deleteAll();
  }
}
