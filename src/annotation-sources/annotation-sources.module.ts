import { Module } from '@nestjs/common';
import { GenesModule } from '../genes/genes.module.js';
import { SourceCheckpoints } from './base/source-checkpoints.js';
import { SourceToolkit } from './base/source-toolkit.js';
import { ClinGenSource } from './evidence/clingen.source.js';
import { EVIDENCE_SOURCES, EvidenceSourcesService } from './evidence/evidence-sources.service.js';
import { GenccSource } from './evidence/gencc.source.js';
import { HpoSource } from './evidence/hpo.source.js';
import { PanelAppSource } from './evidence/panelapp.source.js';
import { PubTatorSource } from './evidence/pubtator.source.js';
import { HgncNormalizer } from './normalization/hgnc-normalizer.js';
import { SnapshotServer } from './snapshot/snapshot.server.js';
import { SourceProgressBus } from './upstream/progress.bus.js';
import { UpstreamHttp } from './upstream/upstream-http.service.js';

const EVIDENCE_SOURCE_CLASSES = [
  PanelAppSource,
  ClinGenSource,
  GenccSource,
  HpoSource,
  PubTatorSource,
];

/**
 * Owns how data gets in from upstream: the rate-limited, retrying, circuit-broken,
 * cached HTTP client, the progress bus, the sources built on them (each a
 * BaseAnnotationSource), normalization, and the offline snapshot.
 */
@Module({
  imports: [GenesModule],
  providers: [
    UpstreamHttp,
    SourceProgressBus,
    SnapshotServer,
    SourceCheckpoints,
    SourceToolkit,
    HgncNormalizer,
    ...EVIDENCE_SOURCE_CLASSES,
    {
      provide: EVIDENCE_SOURCES,
      useFactory: (...sources: unknown[]) => sources,
      inject: EVIDENCE_SOURCE_CLASSES,
    },
    EvidenceSourcesService,
  ],
  exports: [
    UpstreamHttp,
    SourceProgressBus,
    HgncNormalizer,
    EvidenceSourcesService,
    SnapshotServer,
  ],
})
export class AnnotationSourcesModule {}
