import { Module } from '@nestjs/common';
import { GenesModule } from '../genes/genes.module.js';
import { EvidenceSourcesController } from './evidence/evidence-sources.controller.js';
import { EvidenceSourcesService } from './evidence/evidence-sources.service.js';
import { HgncNormalizer } from './normalization/hgnc-normalizer.js';
import { SnapshotIngestion } from './snapshot/snapshot-ingestion.service.js';
import { SnapshotServer } from './snapshot/snapshot.server.js';
import { SourceProgressBus } from './upstream/progress.bus.js';
import { UpstreamHttp } from './upstream/upstream-http.service.js';

/**
 * Owns how data gets in from upstream: the rate-limited, retrying, circuit-broken,
 * cached HTTP client, the progress bus, and the evidence sources built on them.
 */
@Module({
  imports: [GenesModule],
  controllers: [EvidenceSourcesController],
  providers: [
    UpstreamHttp,
    SourceProgressBus,
    SnapshotServer,
    HgncNormalizer,
    EvidenceSourcesService,
    SnapshotIngestion,
  ],
  exports: [UpstreamHttp, SourceProgressBus, HgncNormalizer, EvidenceSourcesService],
})
export class AnnotationSourcesModule {}
