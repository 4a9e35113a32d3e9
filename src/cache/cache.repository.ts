import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { type CacheRecord, cacheRecord } from './cache-entry.js';
import { ALL_NAMESPACES } from './cache-generations.js';

interface Row {
  namespace: string;
  key_text: string;
  json: string;
  data_size: number;
  expires_at: Date | null;
  stale_until: Date | null;
}

export interface NamespaceFigures {
  namespace: string;
  total_entries: number;
  active_entries: number;
  expired_entries: number;
  total_bytes: number;
  oldest_entry: string | null;
  newest_entry: string | null;
}

export interface KeyRow {
  key: string;
  cache_key: string;
  expires_at: string | null;
  bytes: number;
}

const toMs = (d: Date | null): number | null => (d ? d.getTime() : null);
const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const KEY_TEXT_MAX = 1000;

/**
 * SQL for the L2 table. Every statement runs on its own pooled connection (never a
 * caller's transaction), and values travel as JSON text so a cached `null` survives.
 */
@Injectable()
export class CacheRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Reads a usable entry. A read writes nothing: hits are counted in memory (the cache
   * metrics), so an L2 hit costs an index probe, not a new row version and its WAL.
   */
  async read(cacheKey: string): Promise<CacheRecord | undefined> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT namespace, key_text, data::text AS json, data_size, expires_at, stale_until FROM cache_entries
       WHERE cache_key = $1 AND (stale_until IS NULL OR stale_until > now())`,
      [cacheKey],
    );
    const row = rows[0];
    if (!row) {
      return undefined;
    }
    return cacheRecord({
      namespace: row.namespace,
      key: row.key_text,
      json: row.json,
      bytes: row.data_size,
      expiresAt: toMs(row.expires_at),
      staleUntil: toMs(row.stale_until),
    });
  }

  /**
   * Writes an entry unless its namespace was cleared since the fill started: the
   * generation (the `*` row plus the namespace's) must still be `generation`. The
   * generation rows are read FOR SHARE, so a clear (which updates them) either waits
   * for this write and then deletes the row, or commits first and this write sees the
   * new generation and writes nothing. Both rows must exist (`ensureGenerations`).
   *
   * `notify` is sent in the same statement when the entry is written, so other instances
   * learn that the table holds the key (and drop an older copy) without a second round
   * trip; PostgreSQL delivers it when the write commits. The commit does not wait for its
   * WAL flush (`synchronous_commit` off for this transaction only): the row is visible at
   * once, and a crash can lose only the last moment's cache writes, which are refilled on
   * demand. Waiting for the flush held a pooled connection for a disk sync on every fill.
   * Returns whether the entry was written.
   */
  async write(
    cacheKey: string,
    record: CacheRecord,
    generation: number,
    notify: { channel: string; payload: string },
  ): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH current AS (
         SELECT generation FROM cache_generations WHERE namespace IN ($8, $2) FOR SHARE),
       written AS (
         INSERT INTO cache_entries
           (cache_key, namespace, key_text, data, data_size, expires_at, stale_until)
         SELECT $1, $2, $3, $4::json, $5, $6, $7
         WHERE (SELECT coalesce(sum(generation), 0) FROM current) = $9
         ON CONFLICT (cache_key) DO UPDATE SET
           data = EXCLUDED.data, data_size = EXCLUDED.data_size, key_text = EXCLUDED.key_text,
           expires_at = EXCLUDED.expires_at, stale_until = EXCLUDED.stale_until, updated_at = now()
         RETURNING 1)
       SELECT pg_notify($10, $11)
       FROM written, (SELECT set_config('synchronous_commit', 'off', true)) AS no_flush_wait`,
      [
        cacheKey,
        record.namespace,
        record.key.slice(0, KEY_TEXT_MAX),
        record.json,
        record.bytes,
        toDate(record.expiresAt),
        toDate(record.staleUntil),
        ALL_NAMESPACES,
        generation,
        notify.channel,
        notify.payload,
      ],
    );
    return rows.length > 0;
  }

  /** The keys of usable rows and when they stop being usable, at most `limit` of them. */
  async usableKeys(limit: number): Promise<{ key: string; until: number | null }[]> {
    const rows: { cache_key: string; stale_until: Date | null }[] = await this.dataSource.query(
      `SELECT cache_key, stale_until FROM cache_entries
       WHERE stale_until IS NULL OR stale_until > now() LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ key: r.cache_key, until: toMs(r.stale_until) }));
  }

  /** Creates the generation rows a write of `namespace` locks (once per namespace). */
  async ensureGenerations(namespace: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO cache_generations (namespace) VALUES ($1), ($2) ON CONFLICT DO NOTHING`,
      [ALL_NAMESPACES, namespace],
    );
  }

  /** Every stored generation: namespace (or `*`) to its count of clears. */
  async generations(): Promise<Map<string, number>> {
    const rows: { namespace: string; generation: string }[] = await this.dataSource.query(
      'SELECT namespace, generation FROM cache_generations',
    );
    return new Map(rows.map((r) => [r.namespace, Number(r.generation)]));
  }

  /**
   * Deletes a namespace's rows (every row for `*`) and counts the clear, in one
   * transaction; returns how many rows went and the scope's new generation.
   */
  clearScope(scope: string): Promise<{ deleted: number; generation: number }> {
    return this.clearScopes([scope]).then(({ deleted, generations }) => ({
      deleted,
      generation: generations.get(scope)!,
    }));
  }

  /**
   * Clears several scopes in one transaction: every generation moves and every row goes
   * together, so no reader sees one scope cleared and another not. Generations are bumped
   * in name order, so two such clears cannot deadlock.
   */
  clearScopes(
    scopes: readonly string[],
  ): Promise<{ deleted: number; generations: Map<string, number> }> {
    const sorted = [...new Set(scopes)].sort();
    return this.dataSource.transaction(async (manager) => {
      const bumped = await manager.query<{ namespace: string; generation: string }[]>(
        `INSERT INTO cache_generations (namespace, generation)
         SELECT s, 1 FROM unnest($1::text[]) WITH ORDINALITY AS t(s, n) ORDER BY n
         ON CONFLICT (namespace) DO UPDATE SET generation = cache_generations.generation + 1
         RETURNING namespace, generation`,
        [sorted],
      );
      const [, deleted]: [unknown, number] = sorted.includes(ALL_NAMESPACES)
        ? await manager.query('DELETE FROM cache_entries')
        : await manager.query('DELETE FROM cache_entries WHERE namespace = ANY($1::text[])', [
            sorted,
          ]);
      return {
        deleted,
        generations: new Map(bumped.map((r) => [r.namespace, Number(r.generation)])),
      };
    });
  }

  async delete(cacheKey: string): Promise<boolean> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      'DELETE FROM cache_entries WHERE cache_key = $1',
      [cacheKey],
    );
    return count > 0;
  }

  async deleteAll(): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query('DELETE FROM cache_entries');
    return count;
  }

  /** Deletes up to `limit` rows past their stale window; returns how many. */
  async purgeExpiredChunk(limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM cache_entries WHERE cache_key IN (
         SELECT cache_key FROM cache_entries
         WHERE stale_until IS NOT NULL AND stale_until <= now()
         LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [limit],
    );
    return count;
  }

  async keys(namespace: string, limit: number, after: string | undefined): Promise<KeyRow[]> {
    const rows: {
      key_text: string;
      cache_key: string;
      expires_at: Date | null;
      data_size: number;
    }[] = await this.dataSource.query(
      `SELECT key_text, cache_key, expires_at, data_size FROM cache_entries
         WHERE namespace = $1 AND cache_key > $2
         ORDER BY cache_key LIMIT $3`,
      [namespace, after ?? '', limit],
    );
    return rows.map((r) => ({
      key: r.key_text,
      cache_key: r.cache_key,
      expires_at: r.expires_at?.toISOString() ?? null,
      bytes: r.data_size,
    }));
  }

  /** Keys of a namespace in key order, `limit` from `offset` (for page-numbered listings). */
  async keysAt(namespace: string, limit: number, offset: number): Promise<KeyRow[]> {
    const rows: {
      key_text: string;
      cache_key: string;
      expires_at: Date | null;
      data_size: number;
    }[] = await this.dataSource.query(
      `SELECT key_text, cache_key, expires_at, data_size FROM cache_entries
         WHERE namespace = $1 ORDER BY cache_key LIMIT $2 OFFSET $3`,
      [namespace, limit, offset],
    );
    return rows.map((r) => ({
      key: r.key_text,
      cache_key: r.cache_key,
      expires_at: r.expires_at?.toISOString() ?? null,
      bytes: r.data_size,
    }));
  }

  async countKeys(namespace: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM cache_entries WHERE namespace = $1',
      [namespace],
    );
    return row?.n ?? 0;
  }

  async namespaces(): Promise<string[]> {
    const rows: { namespace: string }[] = await this.dataSource.query(
      'SELECT DISTINCT namespace FROM cache_entries ORDER BY namespace',
    );
    return rows.map((r) => r.namespace);
  }

  async figures(namespace?: string): Promise<NamespaceFigures[]> {
    const rows: Record<string, string | Date | null>[] = await this.dataSource.query(
      `SELECT * FROM cache_stats WHERE $1::text IS NULL OR namespace = $1 ORDER BY namespace`,
      [namespace ?? null],
    );
    const iso = (v: string | Date | null) => (v instanceof Date ? v.toISOString() : v);
    return rows.map((r) => ({
      namespace: String(r.namespace),
      total_entries: Number(r.total_entries),
      active_entries: Number(r.active_entries),
      expired_entries: Number(r.expired_entries),
      total_bytes: Number(r.total_bytes),
      oldest_entry: iso(r.oldest_entry),
      newest_entry: iso(r.newest_entry),
    }));
  }

  /** Resolves when the table answers a trivial read (L2 reachable), rejects otherwise. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1 FROM cache_entries LIMIT 1');
  }

  /** Sends an invalidation to every instance listening on `channel`. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }
}
