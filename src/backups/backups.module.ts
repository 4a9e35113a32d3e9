import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';

import { PipelineModule } from '../pipeline/pipeline.module.js';
import { BackupRunner } from './backup-runner.service.js';
import { BackupsController } from './backups.controller.js';
import { BackupsRepository } from './backups.repository.js';
import { BackupsService } from './backups.service.js';
import { LogicalBackupRepository } from './logical-backup.repository.js';
import { MaintenanceMiddleware, MaintenanceState } from './maintenance.service.js';

/**
 * Owns admin backups (ADR 0006): the catalogue (`backups`, `backup_restores`), making and
 * restoring files with pg_dump or the in-process logical method as jobs on the pipeline's
 * queue, scheduled backups and retention, and the maintenance state that has every
 * instance answer 503 while a restore replaces the data.
 */
@Module({
  imports: [PipelineModule],
  controllers: [BackupsController],
  providers: [
    BackupsRepository,
    LogicalBackupRepository,
    BackupRunner,
    BackupsService,
    MaintenanceState,
    MaintenanceMiddleware,
  ],
  exports: [BackupsService],
})
export class BackupsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MaintenanceMiddleware).forRoutes('{/*splat}');
  }
}
