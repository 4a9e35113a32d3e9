import { Module } from '@nestjs/common';
import { AnnotationSourcesModule } from '../annotation-sources/annotation-sources.module.js';
import { GenesModule } from '../genes/genes.module.js';
import { IngestionController } from './ingestion.controller.js';
import { UploadsService } from './uploads.service.js';

/** Curator uploads of the upload sources: diagnostic panels and literature. */
@Module({
  imports: [GenesModule, AnnotationSourcesModule],
  controllers: [IngestionController],
  providers: [UploadsService],
  exports: [UploadsService],
})
export class IngestionModule {}
