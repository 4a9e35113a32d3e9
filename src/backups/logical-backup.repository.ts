import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { Injectable } from '@nestjs/common';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

import { DatabaseEndpoint } from '../database/database-endpoint.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  ArchiveError,
  type ArchiveManifest,
  type ArchiveReader,
  CopyDigest,
  type TableManifest,
} from './logical-archive.js';

/** The schema the app's tables live in; pg-boss keeps its own (`pgboss`), left out. */
const APP_SCHEMA = 'public';

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * The SQL of the in-process logical backup (ADR 0006), on a connection of its own so that
 * COPY can stream: one REPEATABLE READ READ ONLY snapshot to copy every table out, and one
 * transaction to load them all back.
 */
@Injectable()
export class LogicalBackupRepository {
  constructor(private readonly endpoint: DatabaseEndpoint) {}

  private async connect(name: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.endpoint.url, application_name: name });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  /**
   * Copies every table of the app's schema except `skip` into `<workDir>/<table>.copy`
   * (rows of `skipData` left out), all from one snapshot; returns the manifest.
   */
  async dump(
    workDir: string,
    skip: readonly string[],
    skipData: readonly string[],
    onTable: (done: number, total: number) => Promise<void>,
  ): Promise<ArchiveManifest> {
    const client = await this.connect('kgdb-backup');
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const server = await client.query<{ v: string }>('SHOW server_version');
      const migrations = await this.migrations(client);
      const names = (await this.loadOrder(client)).filter(
        (t) => !skip.includes(t) && !skipData.includes(t),
      );
      const tables: TableManifest[] = [];
      for (const [index, name] of names.entries()) {
        const columns = await this.columns(client, name);
        const digest = new CopyDigest();
        await pipeline(
          client.query(copyTo(`COPY ${ident(name)} (${columns.map(ident).join(', ')}) TO STDOUT`)),
          digest,
          createWriteStream(join(workDir, `${name}.copy`)),
        );
        tables.push({
          name,
          columns,
          rows: digest.rows,
          bytes: digest.bytes,
          sha256: digest.digest(),
        });
        await onTable(index + 1, names.length);
      }
      await client.query('COMMIT');
      return {
        format: ARCHIVE_FORMAT,
        version: ARCHIVE_VERSION,
        created_at: new Date().toISOString(),
        server_version: server.rows[0]?.v ?? 'unknown',
        migrations,
        tables,
        excluded_data: [...skipData],
      };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * Loads an archive in one transaction: empties its tables (and `alsoEmpty`), copies
   * each table back checking its digest and row count, sets sequences past the restored
   * ids and refreshes the materialized views. Anything wrong rolls all of it back.
   */
  async load(
    archive: ArchiveReader,
    alsoEmpty: readonly string[],
    onTable: (done: number, total: number) => Promise<void>,
  ): Promise<void> {
    const { manifest } = archive;
    const client = await this.connect('kgdb-restore');
    try {
      await client.query('BEGIN');
      // Waiting for a session that holds a table forever would hang the maintenance window.
      await client.query("SET LOCAL lock_timeout = '60s'");
      await client.query('SET LOCAL statement_timeout = 0');
      const superuser = await client.query<{ su: boolean }>(
        'SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user',
      );
      if (superuser.rows[0]?.su) {
        // Rows go back as they were: no trigger (e.g. audit or immutability rules) and no
        // foreign-key check fires per row; the archive came from one consistent snapshot.
        await client.query("SET LOCAL session_replication_role = 'replica'");
      }
      const existing = new Set(await this.loadOrder(client));
      const names = manifest.tables.map((t) => t.name);
      const missing = names.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        throw new ArchiveError(`tables missing from the database: ${missing.join(', ')}`);
      }
      const empty = [...names, ...alsoEmpty.filter((t) => existing.has(t) && !names.includes(t))];
      if (empty.length > 0) {
        await client.query(`TRUNCATE ${empty.map(ident).join(', ')}`);
      }
      let index = 0;
      for await (const { table, stream } of archive.tables()) {
        const expected = manifest.tables[index];
        if (!expected || expected.name !== table) {
          throw new ArchiveError(`archive entry ${table} is not the manifest's next table`);
        }
        const digest = new CopyDigest();
        await pipeline(
          stream,
          digest,
          client.query(
            copyFrom(`COPY ${ident(table)} (${expected.columns.map(ident).join(', ')}) FROM STDIN`),
          ),
        );
        const sha256 = digest.digest();
        if (sha256 !== expected.sha256 || digest.rows !== expected.rows) {
          throw new ArchiveError(`table ${table} does not match its checksum in the manifest`);
        }
        index += 1;
        await onTable(index, names.length);
      }
      if (index !== names.length) {
        throw new ArchiveError(`archive holds ${index} of its ${names.length} tables`);
      }
      await this.resetSequences(client, names);
      const views = await client.query<{ name: string }>(
        'SELECT matviewname AS name FROM pg_matviews WHERE schemaname = $1 ORDER BY 1',
        [APP_SCHEMA],
      );
      for (const { name } of views.rows) {
        await client.query(`REFRESH MATERIALIZED VIEW ${ident(name)}`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * ANALYZE after a restore, on a connection of its own without the pool's statement
   * timeout: on a large database it takes longer than any request may.
   */
  async analyze(): Promise<void> {
    const client = await this.connect('kgdb-restore-analyze');
    try {
      await client.query('SET statement_timeout = 0');
      await client.query('ANALYZE');
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** The applied migrations, in order. */
  async appliedMigrations(): Promise<string[]> {
    const client = await this.connect('kgdb-backup');
    try {
      return await this.migrations(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async migrations(client: pg.Client): Promise<string[]> {
    const rows = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    return rows.rows.map((r) => r.name);
  }

  /** The app's tables, each after the tables it references (names as a tie-break). */
  private async loadOrder(client: pg.Client): Promise<string[]> {
    const tables = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY 1`,
      [APP_SCHEMA],
    );
    const refs = await client.query<{ child: string; parent: string }>(
      `SELECT cc.relname AS child, pc.relname AS parent FROM pg_constraint k
         JOIN pg_class cc ON cc.oid = k.conrelid JOIN pg_class pc ON pc.oid = k.confrelid
         JOIN pg_namespace n ON n.oid = cc.relnamespace
        WHERE k.contype = 'f' AND n.nspname = $1 AND k.conrelid <> k.confrelid`,
      [APP_SCHEMA],
    );
    const ordered: string[] = [];
    const pending = new Set(tables.rows.map((t) => t.name));
    while (pending.size > 0) {
      const ready = [...pending].filter((t) =>
        refs.rows.every((r) => r.child !== t || !pending.has(r.parent)),
      );
      // A reference cycle: take the rest as they come (with triggers off order is moot).
      const next = ready.length > 0 ? ready : [...pending];
      for (const t of next) {
        ordered.push(t);
        pending.delete(t);
      }
    }
    return ordered;
  }

  private async columns(client: pg.Client, table: string): Promise<string[]> {
    const rows = await client.query<{ name: string }>(
      `SELECT attname AS name FROM pg_attribute
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
        ORDER BY attnum`,
      [`${APP_SCHEMA}.${ident(table)}`],
    );
    return rows.rows.map((r) => r.name);
  }

  /** Every sequence owned by a restored column continues after that column's largest value. */
  private async resetSequences(client: pg.Client, tables: string[]): Promise<void> {
    const owned = await client.query<{ seq: string; tbl: string; col: string }>(
      `SELECT s.oid::regclass::text AS seq, t.relname AS tbl, a.attname AS col
         FROM pg_class s
         JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
                         AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         JOIN pg_class t ON t.oid = d.refobjid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S' AND n.nspname = $1 AND t.relname = ANY($2)`,
      [APP_SCHEMA, tables],
    );
    for (const { seq, tbl, col } of owned.rows) {
      await client.query(
        `SELECT setval($1::regclass, COALESCE((SELECT max(${ident(col)}) FROM ${ident(tbl)}), 1),
                       (SELECT max(${ident(col)}) FROM ${ident(tbl)}) IS NOT NULL)`,
        [seq],
      );
    }
  }
}
