import { EventEmitter } from 'node:events';

import type { KeyvStoreAdapter, StoredData } from 'keyv';

import type { CacheRepository } from '../cache.repository.js';
import type { CacheRecord } from '../cache-entry.js';

/** A record on its way to L2, with the generation its fill started under. */
export interface PendingWrite {
  record: CacheRecord;
  generation: number;
  /** Sent with the write, in the same statement, when the row is written. */
  notify: { channel: string; payload: string };
}

/**
 * L2: a Keyv store over the `cache_entries` table, whose `json` column keeps the text
 * written, so a read gives back the same text (key order included) on every instance.
 * Keyv hands it `{value, expires}` unserialised (the cache passes `serialize: undefined`):
 * a `PendingWrite` on the way in, the record on the way out.
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
  set(key: string, stored: { value: PendingWrite }): Promise<boolean> {
    const { record, generation, notify } = stored.value;
    return this.repository.write(key, record, generation, notify);
  }

  delete(key: string): Promise<boolean> {
    return this.repository.delete(key);
  }

  async clear(): Promise<void> {
    await this.repository.deleteAll();
  }
}
