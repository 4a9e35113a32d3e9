import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { GenesModule } from '../genes/genes.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { UploadsModule } from '../uploads/uploads.module.js';
import { FirstStartIngestion } from './first-start-ingestion.service.js';
import { GeneAnnotationUpdateController } from './gene-annotation-update.controller.js';
import { LegacyProgressGateway } from './legacy-progress.gateway.js';
import { PipelineController } from './pipeline.controller.js';
import { PipelineRepository } from './pipeline.repository.js';
import { PipelineService } from './pipeline.service.js';
import { PipelineEvents } from './pipeline-events.service.js';
import { PipelineExecutor } from './pipeline-executor.service.js';
import { PipelineQueue } from './pipeline-queue.service.js';
import { ProgressController } from './progress.controller.js';
import { ProgressGateway } from './progress.gateway.js';
import { RunTargets } from './run-targets.service.js';
import { RunWaiter } from './run-waiter.service.js';

/**
 * Durable, resumable, mutually exclusive runs of the evidence and annotation sources,
 * on a PostgreSQL job queue, with live progress over WebSocket.
 */
@Module({
  imports: [SourcesModule, GenesModule, AuthModule, UploadsModule],
  controllers: [PipelineController, ProgressController, GeneAnnotationUpdateController],
  providers: [
    PipelineRepository,
    PipelineQueue,
    PipelineEvents,
    PipelineExecutor,
    PipelineService,
    RunWaiter,
    RunTargets,
    ProgressGateway,
    LegacyProgressGateway,
    FirstStartIngestion,
  ],
  exports: [PipelineService, RunWaiter, PipelineQueue],
})
export class PipelineModule {}
