import { Module } from '@nestjs/common';
import { AnnotationSourcesModule } from '../annotation-sources/annotation-sources.module.js';
import { GenesModule } from '../genes/genes.module.js';
import { IngestionController } from './ingestion.controller.js';
import { SnapshotIngestion } from './snapshot-ingestion.service.js';
import { UploadsService } from './uploads.service.js';

/**
 * Curator uploads of the upload sources (diagnostic panels, literature), and the first
 * start's ingestion of the offline snapshot through the evidence sources and uploads.
 */
@Module({
  imports: [GenesModule, AnnotationSourcesModule],
  controllers: [IngestionController],
  providers: [UploadsService, SnapshotIngestion],
  exports: [UploadsService],
})
export class IngestionModule {}
