import { Module } from '@nestjs/common';

import { GenesModule } from '../genes/genes.module.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { SettingsController } from './settings/settings.controller.js';
import { SettingsRepository } from './settings/settings.repository.js';
import { SettingsService } from './settings/settings.service.js';
import { SchedulerController } from './sources/scheduler.controller.js';
import { SchedulerService } from './sources/scheduler.service.js';
import { SourceAdminController } from './sources/source-admin.controller.js';
import { SourceAdminService } from './sources/source-admin.service.js';
import { SystemController } from './system/system.controller.js';
import { SystemRepository } from './system/system.repository.js';
import { SystemService } from './system/system.service.js';

/**
 * Owns what an operator runs the service with: the data-source registry (registration at
 * startup, orphans), runtime settings applied on every instance, and their admin
 * endpoints.
 */
@Module({
  imports: [SourcesModule, PipelineModule, GenesModule],
  controllers: [SourceAdminController, SchedulerController, SettingsController, SystemController],
  providers: [
    SchedulerService,
    SourceAdminService,
    SettingsRepository,
    SettingsService,
    SystemRepository,
    SystemService,
  ],
  exports: [SettingsService],
})
export class AdminModule {}
