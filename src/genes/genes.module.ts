import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AnnotationsController } from './annotations.controller.js';
import { AnnotationStoreRepository } from './annotations/annotation-store.repository.js';
import { AnnotationStoreService } from './annotations/annotation-store.service.js';
import { AnnotationsBatchController } from './annotations-batch.controller.js';
import { AnnotationFailureEntity } from './entities/annotation-failure.entity.js';
import { GeneEntity } from './entities/gene.entity.js';
import { GeneAnnotationEntity } from './entities/gene-annotation.entity.js';
import { GeneEvidenceEntity } from './entities/gene-evidence.entity.js';
import { GeneSetLibraryEntity } from './entities/gene-set-library.entity.js';
import { GeneSetTermEntity } from './entities/gene-set-term.entity.js';
import { GeneStagingEntity } from './entities/gene-staging.entity.js';
import { RegisteredSourceEntity } from './entities/registered-source.entity.js';
import { EvidenceRepository } from './evidence/evidence.repository.js';
import { EvidenceWriter } from './evidence/evidence-writer.service.js';
import { GeneExportRepository } from './export/gene-export.repository.js';
import { GeneExportService } from './export/gene-export.service.js';
import { GeneSetsRepository } from './gene-sets/gene-sets.repository.js';
import { GeneSetsService } from './gene-sets/gene-sets.service.js';
import { GenesController } from './genes.controller.js';
import { GenesRepository } from './genes.repository.js';
import { GenesService } from './genes.service.js';
import { GenesCacheWarming } from './genes-cache-warming.service.js';
import { SourceRegistryRepository } from './registry/source-registry.repository.js';
import { SourceRegistryService } from './registry/source-registry.service.js';
import { SourcesController } from './registry/sources.controller.js';
import { GeneScoresRepository } from './scoring/gene-scores.repository.js';
import { ScoreRefresher } from './scoring/score-refresher.service.js';
import { SitemapController } from './sitemap/sitemap.controller.js';
import { SitemapRepository } from './sitemap/sitemap.repository.js';
import { SitemapService } from './sitemap/sitemap.service.js';
import { StagingController } from './staging/staging.controller.js';
import { StagingRepository } from './staging/staging.repository.js';
import { StagingService } from './staging/staging.service.js';
import { StatisticsController } from './statistics.controller.js';
import { StatisticsRepository } from './statistics.repository.js';
import { StatisticsService } from './statistics.service.js';

// Genes' public surface beyond its services and DTOs (docs/architecture.md).
export { SOURCE_NAME } from '../common/evidence/gene-identifiers.js';

/**
 * Owns genes, evidence per source, annotations rows, the source registry, scoring
 * (views ending in the materialized `gene_scores`) and the public read API.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      GeneEntity,
      GeneEvidenceEntity,
      GeneAnnotationEntity,
      AnnotationFailureEntity,
      RegisteredSourceEntity,
      GeneStagingEntity,
      GeneSetLibraryEntity,
      GeneSetTermEntity,
    ]),
  ],
  controllers: [
    AnnotationsBatchController,
    GenesController,
    AnnotationsController,
    StatisticsController,
    SourcesController,
    StagingController,
    SitemapController,
  ],
  providers: [
    GeneSetsRepository,
    GeneSetsService,
    GenesCacheWarming,
    GenesRepository,
    GenesService,
    GeneExportRepository,
    GeneExportService,
    ScoreRefresher,
    GeneScoresRepository,
    StatisticsRepository,
    StatisticsService,
    StagingRepository,
    StagingService,
    EvidenceRepository,
    EvidenceWriter,
    AnnotationStoreRepository,
    AnnotationStoreService,
    SourceRegistryRepository,
    SourceRegistryService,
    SitemapRepository,
    SitemapService,
  ],
  exports: [
    GenesService,
    ScoreRefresher,
    EvidenceWriter,
    AnnotationStoreService,
    SourceRegistryService,
    GeneSetsService,
  ],
})
export class GenesModule {}

/** How a gene table is written as CSV, TSV or JSON: the live export's and a release's. */
export { GeneTableWriter } from './export/gene-table-format.js';
/** Our annotation source name for a key in the original clients' spelling (`hpo`). */
export { annotationSourceName } from './annotations/original-annotation-shape.js';
/** A row of the gene list, as the table writer formats it. */
export type { GeneRow } from './genes.repository.js';
