import { Module } from '@nestjs/common';
import { AnnotationSourcesModule } from '../annotation-sources/annotation-sources.module.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { DataSourceRegistryRepository } from './registry/data-source-registry.repository.js';
import { DataSourceRegistryService } from './registry/data-source-registry.service.js';
import { DataSourcesAdminController } from './registry/datasources-admin.controller.js';

/**
 * Owns what an operator runs the service with: the data-source registry (registration at
 * startup, orphans) and its admin endpoints.
 */
@Module({
  imports: [AnnotationSourcesModule, PipelineModule],
  controllers: [DataSourcesAdminController],
  providers: [DataSourceRegistryRepository, DataSourceRegistryService],
})
export class AdminModule {}
