import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { withAdvisoryLock, withTryAdvisoryLock } from '../database/advisory-lock.js';

export type BackupStatus = 'pending' | 'running' | 'completed' | 'failed';
export type TriggerSource = 'manual_api' | 'scheduled_cron' | 'pre_restore_safety';
export type BackupMethod = 'pg_dump' | 'logical';

export interface BackupRow {
  id: number;
  filename: string;
  status: BackupStatus;
  trigger_source: TriggerSource;
  method: BackupMethod | null;
  description: string | null;
  include_logs: boolean;
  include_cache: boolean;
  compression_level: number;
  parallel_jobs: number;
  progress: number;
  file_size: string | null;
  checksum_sha256: string | null;
  error_message: string | null;
  schema_version: string | null;
  server_version: string | null;
  database_size: string | null;
  tables_count: number | null;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  duration_seconds: number | null;
  expires_at: Date;
  last_restored_at: Date | null;
}

export interface RestoreRow {
  id: number;
  backup_id: number;
  status: BackupStatus;
  create_safety_backup: boolean;
  run_analyze: boolean;
  safety_backup_id: number | null;
  method: BackupMethod | null;
  error_message: string | null;
  requested_by: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  duration_seconds: number | null;
}

export interface NewBackup {
  filename: string;
  method: BackupMethod;
  triggerSource: TriggerSource;
  description: string | null;
  includeLogs: boolean;
  includeCache: boolean;
  compressionLevel: number;
  parallelJobs: number;
  createdBy: string | null;
  retentionDays: number;
}

export interface BackupFilter {
  limit: number;
  offset: number;
  status?: string;
  triggerSource?: string;
  search?: string;
}

export interface CompletedBackup {
  fileSize: number;
  checksum: string;
  schemaVersion: string | null;
  databaseSize: number;
  tablesCount: number | null;
}

/** One backup or restore at a time across instances (a session advisory lock). */
const OPERATION_LOCK = 'kgdb-backup-operation';

/** The backup catalogue (`backups`), restore records (`backup_restores`) and server facts. */
@Injectable()
export class BackupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(b: NewBackup): Promise<BackupRow> {
    const [row] = await this.dataSource.query<BackupRow[]>(
      `INSERT INTO backups (filename, status, trigger_source, description, include_logs,
         include_cache, compression_level, parallel_jobs, created_by, expires_at, method)
       VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, now() + make_interval(days => $9), $10)
       RETURNING *`,
      [
        b.filename,
        b.triggerSource,
        b.description,
        b.includeLogs,
        b.includeCache,
        b.compressionLevel,
        b.parallelJobs,
        b.createdBy,
        b.retentionDays,
        b.method,
      ],
    );
    return row;
  }

  async find(id: number): Promise<BackupRow | undefined> {
    const [row] = await this.dataSource.query<BackupRow[]>('SELECT * FROM backups WHERE id = $1', [
      id,
    ]);
    return row;
  }

  async page(f: BackupFilter): Promise<{ rows: BackupRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.status) {
      params.push(f.status);
      where.push(`status = $${params.length}`);
    }
    if (f.triggerSource) {
      params.push(f.triggerSource);
      where.push(`trigger_source = $${params.length}`);
    }
    if (f.search) {
      params.push(`%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(filename ILIKE $${params.length} OR description ILIKE $${params.length})`);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.dataSource.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM backups ${clause}`,
      params,
    );
    const rows = await this.dataSource.query<BackupRow[]>(
      `SELECT * FROM backups ${clause} ORDER BY created_at DESC, id DESC
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, f.limit, f.offset],
    );
    return { rows, total };
  }

  async stats(): Promise<{
    total: number;
    completed: number;
    failed: number;
    latest: Date | null;
    bytes: string;
  }> {
    const [row] = await this.dataSource.query<
      { total: number; completed: number; failed: number; latest: Date | null; bytes: string }[]
    >(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'completed')::int AS completed,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              max(completed_at) FILTER (WHERE status = 'completed') AS latest,
              COALESCE(sum(file_size) FILTER (WHERE status = 'completed'), 0)::text AS bytes
         FROM backups`,
    );
    return row;
  }

  async markRunning(id: number, method: BackupMethod, serverVersion: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE backups SET status = 'running', method = $2, server_version = $3,
              started_at = now(), progress = 0 WHERE id = $1`,
      [id, method, serverVersion],
    );
  }

  async setProgress(id: number, progress: number): Promise<void> {
    await this.dataSource.query('UPDATE backups SET progress = $2 WHERE id = $1', [id, progress]);
  }

  async markCompleted(id: number, c: CompletedBackup): Promise<void> {
    await this.dataSource.query(
      `UPDATE backups SET status = 'completed', progress = 100, file_size = $2,
              checksum_sha256 = $3, schema_version = $4, database_size = $5, tables_count = $6,
              completed_at = now(),
              duration_seconds = EXTRACT(EPOCH FROM now() - COALESCE(started_at, created_at))
        WHERE id = $1`,
      [id, c.fileSize, c.checksum, c.schemaVersion, c.databaseSize, c.tablesCount],
    );
  }

  async markFailed(id: number, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE backups SET status = 'failed', error_message = $2, completed_at = now(),
              duration_seconds = EXTRACT(EPOCH FROM now() - COALESCE(started_at, created_at))
        WHERE id = $1`,
      [id, message.slice(0, 4000)],
    );
  }

  async markRestored(id: number): Promise<void> {
    await this.dataSource.query('UPDATE backups SET last_restored_at = now() WHERE id = $1', [id]);
  }

  /** Deletes the row unless it is running; false when it was running (or gone). */
  async deleteUnlessRunning(id: number): Promise<boolean> {
    const [, deleted] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM backups WHERE id = $1 AND status NOT IN ('running', 'pending') RETURNING id`,
      [id],
    );
    return deleted > 0;
  }

  /** Completed backups whose retention has passed. */
  async expired(): Promise<BackupRow[]> {
    return await this.dataSource.query<BackupRow[]>(
      `SELECT * FROM backups WHERE status = 'completed' AND expires_at < now() ORDER BY id`,
    );
  }

  /** Marks backups and restores left running by a worker that died as failed. */
  async failInterrupted(): Promise<{ backups: BackupRow[]; restores: number }> {
    const backups = await this.dataSource.query<[BackupRow[], number]>(
      `UPDATE backups SET status = 'failed', error_message = 'interrupted: the worker stopped',
              completed_at = now() WHERE status = 'running' RETURNING *`,
    );
    const restores = await this.dataSource.query<[unknown[], number]>(
      `UPDATE backup_restores SET status = 'failed', error_message = 'interrupted: the worker stopped',
              completed_at = now() WHERE status = 'running' RETURNING id`,
    );
    return { backups: backups[0], restores: restores[1] };
  }

  async insertRestore(r: {
    backupId: number;
    createSafetyBackup: boolean;
    runAnalyze: boolean;
    method: BackupMethod;
    requestedBy: string | null;
  }): Promise<RestoreRow> {
    const [row] = await this.dataSource.query<RestoreRow[]>(
      `INSERT INTO backup_restores (backup_id, status, create_safety_backup, run_analyze, method,
         requested_by) VALUES ($1, 'pending', $2, $3, $4, $5) RETURNING *`,
      [r.backupId, r.createSafetyBackup, r.runAnalyze, r.method, r.requestedBy],
    );
    return row;
  }

  async findRestore(id: number): Promise<RestoreRow | undefined> {
    const [row] = await this.dataSource.query<RestoreRow[]>(
      'SELECT * FROM backup_restores WHERE id = $1',
      [id],
    );
    return row;
  }

  async setRestoreSafetyBackup(id: number, backupId: number): Promise<void> {
    await this.dataSource.query('UPDATE backup_restores SET safety_backup_id = $2 WHERE id = $1', [
      id,
      backupId,
    ]);
  }

  async markRestoreRunning(id: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE backup_restores SET status = 'running', started_at = now() WHERE id = $1`,
      [id],
    );
  }

  async finishRestore(id: number, status: 'completed' | 'failed', error?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE backup_restores SET status = $2, error_message = $3, completed_at = now(),
              duration_seconds = EXTRACT(EPOCH FROM now() - COALESCE(started_at, created_at))
        WHERE id = $1`,
      [id, status, error?.slice(0, 4000) ?? null],
    );
  }

  /** Whether a restore holds the service in maintenance. */
  async restoreRunning(): Promise<boolean> {
    const [row] = await this.dataSource.query<{ running: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM backup_restores WHERE status = 'running') AS running`,
    );
    return row?.running ?? false;
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async serverFacts(): Promise<{
    versionNum: number;
    version: string;
    size: number;
    lastMigration: string | null;
  }> {
    const [row] = await this.dataSource.query<
      { versionNum: number; version: string; size: number; lastMigration: string | null }[]
    >(
      `SELECT current_setting('server_version_num')::int AS "versionNum",
              current_setting('server_version') AS version,
              pg_database_size(current_database())::float8 AS size,
              (SELECT name FROM migrations ORDER BY id DESC LIMIT 1) AS "lastMigration"`,
    );
    return row;
  }

  /** Runs `work` as the one backup operation of the cluster, waiting for the one before. */
  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return withAdvisoryLock(this.dataSource, OPERATION_LOCK, work);
  }

  /** Whether no backup operation runs anywhere (then `work` runs under the lock). */
  whenIdle<T>(work: () => Promise<T>): Promise<{ acquired: boolean }> {
    return withTryAdvisoryLock(this.dataSource, OPERATION_LOCK, work);
  }
}
