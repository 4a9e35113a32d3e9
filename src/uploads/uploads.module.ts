import { Module } from '@nestjs/common';

import { GenesModule } from '../genes/genes.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { UploadsController } from './uploads.controller.js';
import { UploadsRepository } from './uploads.repository.js';
import { UploadsService } from './uploads.service.js';

/**
 * Curator uploads of the upload sources (diagnostic panels, literature): parsing in a
 * worker within the upload limits, the upload records and their audit trail.
 */
@Module({
  imports: [GenesModule, SourcesModule],
  controllers: [UploadsController],
  providers: [UploadsService, UploadsRepository],
  exports: [UploadsService],
})
export class UploadsModule {}
