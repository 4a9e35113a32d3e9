import { Module } from '@nestjs/common';

import { AdminModule } from '../admin/admin.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { DatabasePoolRepository } from '../database/database-pool.repository.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { MetricsRegistryModule } from './metrics-registry.module.js';

/**
 * Owns the Prometheus registry of this instance (MetricsRegistryModule, which owners of
 * other series import to register theirs) and GET /metrics.
 */
@Module({
  imports: [MetricsRegistryModule, SourcesModule, PipelineModule, AuthModule, AdminModule],
  controllers: [MetricsController],
  providers: [MetricsService, DatabasePoolRepository],
  exports: [MetricsService],
})
export class MetricsModule {}
