import { Module } from '@nestjs/common';

import { GenesModule } from '../genes/genes.module.js';
import { AnnotationMaintenanceController } from './annotations/annotation-maintenance.controller.js';
import { AnnotationOverviewService } from './annotations/annotation-overview.service.js';
import { AnnotationSourcesController } from './annotations/annotation-sources.controller.js';
import { SourceCheckpoints } from './base/source-checkpoints.repository.js';
import { SourceToolkit } from './base/source-toolkit.js';
import { SOURCE_CLASSES } from './catalog/source-catalog.js';
import { HgncNormalizer } from './normalization/hgnc-normalizer.js';
import { NormalizationController } from './normalization/normalization.controller.js';
import { NormalizationProbeService } from './normalization/normalization-probe.service.js';
import { AnnotationRun } from './runner/annotation-run.js';
import { EvidenceRun } from './runner/evidence-run.js';
import { SourceRunLock } from './runner/source-run-lock.repository.js';
import { SourceRunner, UPSTREAM_SOURCES } from './runner/source-runner.service.js';
import { SnapshotServer } from './snapshot/snapshot.server.js';
import { SourceProgressBus } from './upstream/progress.bus.js';
import { UpstreamHttp } from './upstream/upstream-http.service.js';
import { UpstreamRateSlotsRepository } from './upstream/upstream-rate-slots.repository.js';

// The sources' public surface beyond SourceRunner (docs/architecture.md).
export { UPLOAD_SOURCES, uploadSource } from './catalog/upload-sources.js';
export { HgncNormalizer } from './normalization/hgnc-normalizer.js';
export { snapshotDataDir } from './snapshot/snapshot.server.js';
export { type SourceProgress, SourceProgressBus } from './upstream/progress.bus.js';

/**
 * Owns how data gets in from upstream: the rate-limited, retrying, circuit-broken,
 * cached HTTP client, the progress bus, every source (each declared once on its class,
 * listed in catalog/source-catalog.ts), the one runner of source runs, HGNC
 * normalization, and the offline snapshot.
 */
@Module({
  imports: [GenesModule],
  controllers: [
    AnnotationSourcesController,
    AnnotationMaintenanceController,
    NormalizationController,
  ],
  providers: [
    UpstreamHttp,
    UpstreamRateSlotsRepository,
    SourceProgressBus,
    SnapshotServer,
    SourceCheckpoints,
    SourceToolkit,
    HgncNormalizer,
    NormalizationProbeService,
    ...SOURCE_CLASSES,
    {
      provide: UPSTREAM_SOURCES,
      useFactory: (...sources: unknown[]) => sources,
      inject: SOURCE_CLASSES,
    },
    EvidenceRun,
    AnnotationRun,
    SourceRunLock,
    SourceRunner,
    AnnotationOverviewService,
  ],
  exports: [
    SourceRunner,
    UpstreamHttp,
    SourceProgressBus,
    HgncNormalizer,
    SnapshotServer,
    AnnotationOverviewService,
  ],
})
export class SourcesModule {}
