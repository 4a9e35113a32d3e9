import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { AnnotationSourcesModule } from '../annotation-sources/annotation-sources.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { DatabasePoolRepository } from './database-pool.repository.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** Owns the Prometheus registry of this instance and GET /metrics. */
@Module({
  imports: [AnnotationSourcesModule, PipelineModule, AuthModule, AdminModule],
  controllers: [MetricsController],
  providers: [MetricsService, DatabasePoolRepository],
  exports: [MetricsService],
})
export class MetricsModule {}
