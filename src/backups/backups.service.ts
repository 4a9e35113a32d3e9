import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { NotFoundError } from '../common/errors/index.js';
import { AppConfig } from '../config/index.js';
import { PipelineService } from '../pipeline/pipeline.service.js';
import { PipelineQueue } from '../pipeline/pipeline-queue.service.js';
import { BackupBusyError, BackupNotRestorableError } from './backup.error.js';
import { backupFilename, partialName } from './backup-files.js';
import { BackupRunner } from './backup-runner.service.js';
import {
  type BackupRow,
  BackupsRepository,
  type RestoreRow,
  type TriggerSource,
} from './backups.repository.js';
import type {
  BackupListResponse,
  BackupResponse,
  BackupStatsResponse,
  CreateBackupRequest,
  ListBackupsQuery,
  RestoreBackupRequest,
  RestoreResponse,
} from './dto/backups.dto.js';
import { MaintenanceState } from './maintenance.service.js';

/**
 * One queue for every backup job (one worker per instance; the operation lock serializes
 * them anyway): `{kind: 'create', backupId}`, `{kind: 'restore', restoreId}`, and
 * `{kind: 'scheduled'}`, which the queue's cron schedule sends.
 */
export const BACKUP_QUEUE = 'backups';
const MB = 1024 * 1024;

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Admin backups: the catalogue, and create and restore as jobs on the shared pg-boss
 * queue (never inside a request), scheduled backups through its cluster-wide cron,
 * cleanup by retention (ADR 0006).
 */
@Injectable()
export class BackupsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BackupsService.name);

  constructor(
    private readonly repository: BackupsRepository,
    private readonly runner: BackupRunner,
    private readonly maintenance: MaintenanceState,
    private readonly queue: PipelineQueue,
    private readonly pipeline: PipelineService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.ensureDirectory();
    // A backup or restore left running by a worker that died: no lock holds it any more.
    await this.repository.whenIdle(async () => {
      const { backups, restores } = await this.repository.failInterrupted();
      for (const b of backups) {
        await rm(this.runner.pathOf(partialName(b.filename)), { force: true });
      }
      if (backups.length > 0 || restores > 0) {
        this.logger.warn({ backups: backups.length, restores }, 'marked interrupted work failed');
      }
      if (restores > 0) {
        // Its transaction died with it (the old data are intact): serve again, everywhere.
        await this.maintenance.announce(false);
      }
    });
    await this.queue.registerJob(BACKUP_QUEUE, (data) => this.runJob(data));
    await this.queue.scheduleJob(BACKUP_QUEUE, this.config.backups.schedule, {
      kind: 'scheduled',
    });
  }

  async stats(): Promise<BackupStatsResponse> {
    const s = await this.repository.stats();
    const bytes = Number(s.bytes);
    return {
      total_backups: s.total,
      completed_backups: s.completed,
      failed_backups: s.failed,
      latest_backup_date: iso(s.latest),
      total_size_bytes: bytes,
      total_size_mb: Math.round((bytes / MB) * 100) / 100,
      total_size_gb: Math.round((bytes / (MB * 1024)) * 1000) / 1000,
      retention_days: this.config.backups.retentionDays,
      backup_directory: this.config.backups.dir,
      method: (await this.runner.method().catch(() => ({ method: 'logical' }))).method,
      schedule: this.config.backups.schedule ?? null,
    };
  }

  async list(q: ListBackupsQuery): Promise<BackupListResponse> {
    const { rows, total } = await this.repository.page({
      limit: q.limit,
      offset: q.offset,
      status: q.status,
      triggerSource: q.trigger_source,
      search: q.search,
    });
    return { backups: rows.map(toResponse), total, limit: q.limit, offset: q.offset };
  }

  async get(id: number): Promise<BackupResponse> {
    return toResponse(await this.row(id));
  }

  /** Records a pending backup and queues its job; the row shows its progress. */
  async create(body: CreateBackupRequest, user: string | null): Promise<BackupResponse> {
    const row = await this.record('manual_api', body, user);
    await this.queue.sendJob(BACKUP_QUEUE, { kind: 'create', backupId: row.id });
    return toResponse(row);
  }

  /** Checks the backup can be restored (before anything is touched) and queues the restore. */
  async restore(
    id: number,
    body: RestoreBackupRequest,
    user: string | null,
  ): Promise<RestoreResponse> {
    const row = await this.row(id);
    await this.runner.verifyRestorable(row);
    await this.refuseDuringPipelineRun();
    if (await this.repository.restoreRunning()) {
      throw new BackupBusyError('A restore is already running');
    }
    const restore = await this.repository.insertRestore({
      backupId: row.id,
      createSafetyBackup: body.create_safety_backup ?? true,
      runAnalyze: body.run_analyze ?? true,
      method: row.method ?? 'logical',
      requestedBy: user,
    });
    await this.queue.sendJob(BACKUP_QUEUE, { kind: 'restore', restoreId: restore.id });
    return toRestoreResponse(restore);
  }

  /**
   * A run writing evidence while the data are replaced would continue on top of the
   * restored data, and the restore would bring back runs that no worker holds: a restore
   * waits until no run is queued or working (a paused run is only state, restored as is).
   */
  private async refuseDuringPipelineRun(): Promise<void> {
    const busy = (await this.pipeline.active()).filter((r) => r.status !== 'paused');
    if (busy.length > 0) {
      throw new BackupBusyError(
        `Pipeline run ${busy[0].id} is ${busy[0].status}; restore once it has finished (or cancel it)`,
      );
    }
  }

  async getRestore(id: number): Promise<RestoreResponse> {
    const row = await this.repository.findRestore(id);
    if (!row) {
      throw new NotFoundError(`No restore ${id}`);
    }
    return toRestoreResponse(row);
  }

  /** The file as a stream, with what the download headers say about it. */
  async download(id: number): Promise<{ stream: Readable; size: number; row: BackupRow }> {
    const row = await this.row(id);
    if (row.status !== 'completed') {
      throw new BackupNotRestorableError('BACKUP_NOT_COMPLETED', `Backup ${id} is ${row.status}`);
    }
    const path = this.runner.pathOf(row.filename);
    const size = await stat(path).then(
      (s) => s.size,
      () => {
        throw new BackupNotRestorableError(
          'BACKUP_FILE_MISSING',
          `The file of backup ${id} is gone`,
        );
      },
    );
    return { stream: createReadStream(path), size, row };
  }

  async delete(id: number): Promise<{ message: string }> {
    const row = await this.row(id);
    if (!(await this.repository.deleteUnlessRunning(id))) {
      throw new BackupBusyError(`Backup ${id} is ${row.status}; delete it once it has finished`);
    }
    await rm(this.runner.pathOf(row.filename), { force: true });
    return { message: `Backup ${id} deleted` };
  }

  /** Deletes the completed backups whose retention has passed (file and row). */
  async cleanup(): Promise<{ deleted_count: number; deleted_ids: number[] }> {
    const deleted: number[] = [];
    for (const row of await this.repository.expired()) {
      if (await this.repository.deleteUnlessRunning(row.id)) {
        await rm(this.runner.pathOf(row.filename), { force: true });
        deleted.push(row.id);
      }
    }
    return { deleted_count: deleted.length, deleted_ids: deleted };
  }

  private async row(id: number): Promise<BackupRow> {
    const row = await this.repository.find(id);
    if (!row) {
      throw new NotFoundError(`No backup ${id}`);
    }
    return row;
  }

  private async record(
    trigger: TriggerSource,
    body: CreateBackupRequest,
    user: string | null,
  ): Promise<BackupRow> {
    const { method } = await this.runner.method();
    return this.repository.insert({
      filename: backupFilename(method),
      method,
      triggerSource: trigger,
      description: body.description ?? null,
      includeLogs: body.include_logs ?? false,
      includeCache: body.include_cache ?? false,
      // 0 is a level (stored uncompressed), not "use the default".
      compressionLevel: body.compression_level ?? 6,
      parallelJobs: body.parallel_jobs ?? 2,
      createdBy: user,
      retentionDays: this.config.backups.retentionDays,
    });
  }

  private runJob(data: Record<string, unknown>): Promise<void> {
    switch (data.kind) {
      case 'create':
        return this.runBackupJob(Number(data.backupId));
      case 'restore':
        return this.runRestoreJob(Number(data.restoreId));
      case 'scheduled':
        return this.runScheduled();
      default:
        this.logger.warn({ job: data }, 'ignored a backup job of unknown kind');
        return Promise.resolve();
    }
  }

  private async runBackupJob(id: number): Promise<void> {
    await this.repository.exclusively(async () => {
      const row = await this.repository.find(id);
      if (!row || row.status !== 'pending') {
        return;
      }
      await this.runner.produce(row);
    });
  }

  private async runScheduled(): Promise<void> {
    const row = await this.record('scheduled_cron', { description: 'scheduled backup' }, null);
    await this.runBackupJob(row.id);
  }

  private async runRestoreJob(restoreId: number): Promise<void> {
    await this.repository.exclusively(async () => {
      const restore = await this.repository.findRestore(restoreId);
      if (!restore || restore.status !== 'pending') {
        return;
      }
      try {
        const row = await this.row(restore.backup_id);
        await this.runner.verifyRestorable(row);
        await this.refuseDuringPipelineRun();
        if (restore.create_safety_backup) {
          const safety = await this.record(
            'pre_restore_safety',
            { description: `before restoring backup ${row.id}` },
            restore.requested_by,
          );
          await this.repository.setRestoreSafetyBackup(restoreId, safety.id);
          await this.runner.produce(safety);
        }
        await this.runner.restore(row, restoreId, restore.run_analyze);
      } catch (error) {
        const fresh = await this.repository.findRestore(restoreId);
        if (fresh?.status === 'pending') {
          await this.repository.finishRestore(
            restoreId,
            'failed',
            error instanceof Error ? error.message : String(error),
          );
        }
        this.logger.error({ err: error, restore_id: restoreId }, 'restore failed');
      }
    });
  }
}

function toResponse(r: BackupRow): BackupResponse {
  const bytes = r.file_size === null ? null : Number(r.file_size);
  return {
    id: r.id,
    filename: r.filename,
    status: r.status,
    trigger_source: r.trigger_source,
    method: r.method,
    description: r.description,
    include_logs: r.include_logs,
    include_cache: r.include_cache,
    compression_level: r.compression_level,
    parallel_jobs: r.parallel_jobs,
    progress: r.progress,
    file_size_bytes: bytes,
    file_size_mb: bytes === null ? null : Math.round((bytes / MB) * 100) / 100,
    checksum_sha256: r.checksum_sha256,
    error_message: r.error_message,
    schema_version: r.schema_version,
    server_version: r.server_version,
    database_size_bytes: r.database_size === null ? null : Number(r.database_size),
    tables_count: r.tables_count,
    created_by: r.created_by,
    created_at: new Date(r.created_at).toISOString(),
    started_at: iso(r.started_at),
    completed_at: iso(r.completed_at),
    duration_seconds: r.duration_seconds,
    expires_at: new Date(r.expires_at).toISOString(),
    last_restored_at: iso(r.last_restored_at),
  };
}

function toRestoreResponse(r: RestoreRow): RestoreResponse {
  return {
    id: r.id,
    backup_id: r.backup_id,
    status: r.status,
    create_safety_backup: r.create_safety_backup,
    run_analyze: r.run_analyze,
    safety_backup_id: r.safety_backup_id,
    method: r.method,
    error_message: r.error_message,
    created_at: new Date(r.created_at).toISOString(),
    started_at: iso(r.started_at),
    completed_at: iso(r.completed_at),
    duration_seconds: r.duration_seconds,
  };
}
