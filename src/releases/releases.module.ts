import { Module } from '@nestjs/common';

import { GenesModule } from '../genes/genes.module.js';
import { ReleasesController } from './releases.controller.js';
import { ReleasesRepository } from './releases.repository.js';
import { ReleasesService } from './releases.service.js';

/** Citable releases: drafts, publishing as frozen exports, citations, diffs, DOIs. */
@Module({
  imports: [GenesModule],
  controllers: [ReleasesController],
  providers: [ReleasesService, ReleasesRepository],
  exports: [ReleasesService],
})
export class ReleasesModule {}
