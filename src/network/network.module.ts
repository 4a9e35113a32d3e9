import { Module } from '@nestjs/common';

import { GenesModule } from '../genes/genes.module.js';
import { EnrichmentService } from './enrichment.service.js';
import { NetworkController } from './network.controller.js';
import { NetworkRepository } from './network.repository.js';
import { NetworkService } from './network.service.js';

/**
 * Network analysis: STRING networks of gene sets, their clusters, and local enrichment
 * against the gene-set libraries the genes module stores.
 */
@Module({
  imports: [GenesModule],
  controllers: [NetworkController],
  providers: [NetworkRepository, NetworkService, EnrichmentService],
})
export class NetworkModule {}
