import { Module } from '@nestjs/common';
import { SourcesModule } from '../sources/sources.module.js';
import { GenesModule } from '../genes/genes.module.js';
import { IngestionController } from './ingestion.controller.js';
import { SnapshotIngestion } from './snapshot-ingestion.service.js';
import { UploadsService } from './uploads.service.js';

/**
 * Curator uploads of the upload sources (diagnostic panels, literature), and the first
 * start's ingestion of the offline snapshot through the evidence sources and uploads.
 */
@Module({
  imports: [GenesModule, SourcesModule],
  controllers: [IngestionController],
  providers: [UploadsService, SnapshotIngestion],
  exports: [UploadsService],
})
export class IngestionModule {}
