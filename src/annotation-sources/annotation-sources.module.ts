import { Module } from '@nestjs/common';
import { GenesModule } from '../genes/genes.module.js';
import { SourceCheckpoints } from './base/source-checkpoints.repository.js';
import { SourceToolkit } from './base/source-toolkit.js';
import { AnnotationOverviewService } from './annotations/annotation-overview.service.js';
import { AnnotationSourcesController } from './annotations/annotation-sources.controller.js';
import {
  ANNOTATION_SOURCES,
  AnnotationSourcesService,
} from './annotations/annotation-sources.service.js';
import { ClinVarAnnotationSource } from './annotations/clinvar.source.js';
import { EnsemblAnnotationSource } from './annotations/ensembl.source.js';
import { GnomadAnnotationSource } from './annotations/gnomad.source.js';
import { GtexAnnotationSource } from './annotations/gtex.source.js';
import { HgncAnnotationSource } from './annotations/hgnc.source.js';
import { HpoPhenotypesAnnotationSource } from './annotations/hpo-phenotypes.source.js';
import { StringPpiAnnotationSource } from './annotations/string-ppi.source.js';
import { MgiAnnotationSource } from './annotations/mgi.source.js';
import { UniProtAnnotationSource } from './annotations/uniprot.source.js';
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
import { UpstreamRateSlotsRepository } from './upstream/upstream-rate-slots.repository.js';

const EVIDENCE_SOURCE_CLASSES = [
  PanelAppSource,
  ClinGenSource,
  GenccSource,
  HpoSource,
  PubTatorSource,
];

/** In the order a full annotation pass runs them: HGNC first, its ids feed the others. */
const ANNOTATION_SOURCE_CLASSES = [
  HgncAnnotationSource,
  ClinVarAnnotationSource,
  GnomadAnnotationSource,
  GtexAnnotationSource,
  UniProtAnnotationSource,
  EnsemblAnnotationSource,
  HpoPhenotypesAnnotationSource,
  StringPpiAnnotationSource,
  MgiAnnotationSource,
];

/**
 * Owns how data gets in from upstream: the rate-limited, retrying, circuit-broken,
 * cached HTTP client, the progress bus, the sources built on them (each a
 * BaseAnnotationSource) of evidence and of gene annotations, normalization, and the
 * offline snapshot.
 */
@Module({
  imports: [GenesModule],
  controllers: [AnnotationSourcesController],
  providers: [
    UpstreamHttp,
    UpstreamRateSlotsRepository,
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
    ...ANNOTATION_SOURCE_CLASSES,
    {
      provide: ANNOTATION_SOURCES,
      useFactory: (...sources: unknown[]) => sources,
      inject: ANNOTATION_SOURCE_CLASSES,
    },
    AnnotationSourcesService,
    AnnotationOverviewService,
  ],
  exports: [
    AnnotationSourcesService,
    UpstreamHttp,
    SourceProgressBus,
    HgncNormalizer,
    EvidenceSourcesService,
    SnapshotServer,
  ],
})
export class AnnotationSourcesModule {}
