import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable, Logger } from '@nestjs/common';

import { CacheService } from '../cache/cache.service.js';
import { AppConfig } from '../config/index.js';
import { DatabaseEndpoint } from '../database/database-endpoint.js';
import { BackupNotRestorableError } from './backup.error.js';
import { partialName, sha256File } from './backup-files.js';
import { type BackupMethod, type BackupRow, BackupsRepository } from './backups.repository.js';
import { openArchive, writeArchive } from './logical-archive.js';
import { LogicalBackupRepository } from './logical-backup.repository.js';
import { MaintenanceState } from './maintenance.service.js';
import { pgDump, pgRestore, toolMajorVersion } from './pg-tools.js';

/** Never in an archive and never replaced by a restore: the catalogue describes the files now. */
const CATALOGUE = ['backups', 'backup_restores'];
/** Recorded in the logical manifest (the schema version) rather than copied. */
const SCHEMA_TABLES = ['migrations'];
const LOGS = 'system_logs';
const CACHE = 'cache_entries';
/**
 * Never in an archive and never replaced by a restore either: a cache clear's
 * generation only grows, and a lower one restored could let a stale cache write land.
 */
const CACHE_GENERATIONS = 'cache_generations';

/**
 * Makes and restores backup files; called by the job handlers, under the cluster-wide
 * backup operation lock (one backup or restore at a time).
 */
@Injectable()
export class BackupRunner {
  private readonly logger = new Logger(BackupRunner.name);
  private toolsMajor?: Promise<{ dump?: number; restore?: number }>;
  /**
   * Test seam: awaited once the service is in maintenance and before the data are
   * replaced, so a test can hold a restore there deterministically.
   */
  holdBeforeLoad?: () => Promise<void>;

  constructor(
    private readonly repository: BackupsRepository,
    private readonly logical: LogicalBackupRepository,
    private readonly maintenance: MaintenanceState,
    private readonly cache: CacheService,
    private readonly endpoint: DatabaseEndpoint,
    private readonly config: AppConfig,
  ) {}

  pathOf(filename: string): string {
    return join(this.config.backups.dir, filename);
  }

  async ensureDirectory(): Promise<void> {
    await mkdir(this.config.backups.dir, { recursive: true });
  }

  /** pg_dump when a pg_dump and pg_restore of the server's major version are at hand. */
  async method(): Promise<{ method: BackupMethod; reason: string }> {
    const wanted = this.config.backups.method;
    if (wanted === 'logical') {
      return { method: 'logical', reason: 'BACKUP_METHOD=logical' };
    }
    const { versionNum } = await this.repository.serverFacts();
    const server = Math.floor(versionNum / 10000);
    const tools = await this.tools();
    if (tools.dump === server && tools.restore === server) {
      return { method: 'pg_dump', reason: `pg_dump ${server} matches the server` };
    }
    const reason = `pg_dump ${tools.dump ?? 'not found'} / pg_restore ${tools.restore ?? 'not found'} do not match server ${server}`;
    if (wanted === 'pg_dump') {
      throw new BackupNotRestorableError(
        'BACKUP_METHOD_UNAVAILABLE',
        `BACKUP_METHOD=pg_dump, but ${reason}`,
      );
    }
    return { method: 'logical', reason };
  }

  private tools(): Promise<{ dump?: number; restore?: number }> {
    this.toolsMajor ??= Promise.all([
      toolMajorVersion(this.config.backups.pgDumpPath),
      toolMajorVersion(this.config.backups.pgRestorePath),
    ]).then(([dump, restore]) => ({ dump, restore }));
    return this.toolsMajor;
  }

  /** Writes the backup file of `row`, then records it completed (or failed, file removed). */
  async produce(row: BackupRow): Promise<void> {
    const method = row.method ?? 'logical';
    const facts = await this.repository.serverFacts();
    await this.repository.markRunning(row.id, method, facts.version);
    await this.ensureDirectory();
    const partial = this.pathOf(partialName(row.filename));
    const skipData = [...(row.include_logs ? [] : [LOGS]), ...(row.include_cache ? [] : [CACHE])];
    try {
      let tables: number;
      if (method === 'pg_dump') {
        await pgDump(this.config.backups.pgDumpPath, partial, {
          url: this.endpoint.url,
          compressionLevel: row.compression_level,
          excludeSchemas: ['pgboss'],
          // A table's owned sequence is a relation of its own to pg_dump.
          excludeTables: [
            ...CATALOGUE.flatMap((t) => [`public.${t}`, `public.${t}_id_seq`]),
            `public.${CACHE_GENERATIONS}`,
          ],
          excludeTableData: skipData.map((t) => `public.${t}`),
          timeoutMs: this.config.backups.timeoutMs,
        });
        tables = -1;
      } else {
        tables = await this.produceLogical(row, partial, skipData);
      }
      const checksum = await sha256File(partial);
      const { size } = await stat(partial);
      await rename(partial, this.pathOf(row.filename));
      await this.repository.markCompleted(row.id, {
        fileSize: size,
        checksum,
        schemaVersion: facts.lastMigration,
        databaseSize: facts.size,
        tablesCount: tables < 0 ? null : tables,
      });
      this.logger.log({ backup_id: row.id, method, bytes: size }, 'backup completed');
    } catch (error) {
      await rm(partial, { force: true });
      const message = error instanceof Error ? error.message : String(error);
      await this.repository.markFailed(row.id, message);
      throw error;
    }
  }

  private async produceLogical(row: BackupRow, file: string, skipData: string[]): Promise<number> {
    const work = await mkdtemp(join(this.config.backups.dir, '.work-'));
    try {
      const manifest = await this.logical.dump(
        work,
        [...CATALOGUE, ...SCHEMA_TABLES, CACHE_GENERATIONS],
        skipData,
        (done, total) => this.repository.setProgress(row.id, Math.floor((done / total) * 90)),
      );
      await writeArchive(file, manifest, (t) => join(work, `${t}.copy`), row.compression_level);
      return manifest.tables.length;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /**
   * Refuses, before anything is touched, a backup that cannot be restored here: not
   * completed, file gone, bytes not matching the recorded SHA-256, another schema version,
   * or made by a method this server cannot restore with.
   */
  async verifyRestorable(row: BackupRow): Promise<void> {
    if (row.status !== 'completed' || !row.checksum_sha256) {
      throw new BackupNotRestorableError(
        'BACKUP_NOT_COMPLETED',
        `Backup ${row.id} is ${row.status}`,
      );
    }
    const path = this.pathOf(row.filename);
    const exists = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!exists) {
      throw new BackupNotRestorableError(
        'BACKUP_FILE_MISSING',
        `The file of backup ${row.id} is gone`,
      );
    }
    if ((await sha256File(path)) !== row.checksum_sha256) {
      throw new BackupNotRestorableError(
        'BACKUP_CHECKSUM_MISMATCH',
        `The file of backup ${row.id} does not match its SHA-256: it was changed or damaged`,
      );
    }
    const current = await this.repository.serverFacts();
    if (row.schema_version !== current.lastMigration) {
      throw new BackupNotRestorableError(
        'BACKUP_SCHEMA_MISMATCH',
        `Backup ${row.id} has schema ${row.schema_version ?? 'unknown'}, the database ${current.lastMigration ?? 'none'}; restore it with the version of the service that made it`,
      );
    }
    if (row.method === 'pg_dump') {
      const tools = await this.tools();
      const server = Math.floor(current.versionNum / 10000);
      if (tools.restore !== server) {
        throw new BackupNotRestorableError(
          'BACKUP_METHOD_UNAVAILABLE',
          `Backup ${row.id} is a pg_dump archive, and no pg_restore ${server} is available`,
        );
      }
      return;
    }
    const archive = await openArchive(path).catch((error: unknown) => {
      throw new BackupNotRestorableError(
        'BACKUP_ARCHIVE_INVALID',
        error instanceof Error ? error.message : String(error),
      );
    });
    archive.close();
    const applied = await this.logical.appliedMigrations();
    if (archive.manifest.migrations.join(',') !== applied.join(',')) {
      throw new BackupNotRestorableError(
        'BACKUP_SCHEMA_MISMATCH',
        `Backup ${row.id} was made with migrations other than those applied here`,
      );
    }
  }

  /**
   * Replaces the data with the backup's, the service in maintenance meanwhile; then
   * ANALYZE (when asked), refreshed views, empty caches. The catalogue is untouched.
   */
  async restore(row: BackupRow, restoreId: number, runAnalyze: boolean): Promise<void> {
    await this.repository.markRestoreRunning(restoreId);
    await this.maintenance.announce(true);
    try {
      await this.holdBeforeLoad?.();
      const path = this.pathOf(row.filename);
      if (row.method === 'pg_dump') {
        await pgRestore(this.config.backups.pgRestorePath, path, {
          url: this.endpoint.url,
          timeoutMs: this.config.backups.timeoutMs,
        });
      } else {
        const archive = await openArchive(path);
        try {
          await this.logical.load(archive, [CACHE], () => Promise.resolve());
        } finally {
          archive.close();
        }
      }
      // Materialized views come back populated: pg_restore refreshes them, the logical
      // load refreshes them inside its transaction.
      if (runAnalyze) {
        // The data are committed: statistics that fail to update do not undo the restore.
        await this.logical
          .analyze()
          .catch((error: unknown) =>
            this.logger.warn({ err: error }, 'ANALYZE after restore failed'),
          );
      }
      await this.cache.clearAll();
      // The data are back and committed: serve again before the record says so, so that a
      // client that sees the restore completed is not answered 503. The `finally` below
      // tells the other instances again once the record agrees.
      await this.maintenance.announce(false);
      await this.repository.markRestored(row.id);
      await this.repository.finishRestore(restoreId, 'completed');
      this.logger.log({ backup_id: row.id, restore_id: restoreId }, 'restore completed');
    } catch (error) {
      await this.repository.finishRestore(
        restoreId,
        'failed',
        error instanceof Error ? error.message : String(error),
      );
      throw error;
    } finally {
      await this.maintenance.announce(false);
    }
  }
}
