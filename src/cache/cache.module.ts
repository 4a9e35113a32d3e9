import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { DatabasePoolRepository } from '../database/database-pool.repository.js';
import { MetricsRegistryModule } from '../metrics/metrics-registry.module.js';
import { CacheRepository } from './cache.repository.js';
import { CacheService } from './cache.service.js';
import { CacheAdminController } from './cache-admin.controller.js';
import { CacheAdminService } from './cache-admin.service.js';
import { CacheMetrics } from './cache-metrics.js';
import { CacheMonitoringService } from './cache-monitoring.service.js';
import { CacheWarmerRegistry } from './cache-warmers.js';
import { CacheEntryEntity } from './entities/cache-entry.entity.js';
import { CacheGenerationEntity } from './entities/cache-generation.entity.js';

// Part of the cache's public surface: where features register their warmers.
export { type CacheWarmer, CacheWarmerRegistry, type WarmOptions } from './cache-warmers.js';

/**
 * Owns the shared cache (L1 memory over the `cache_entries` table), its invalidation
 * across instances, its metrics, warmers and the admin endpoints. Global: every module
 * may inject CacheService. The response cache of public GETs and its pre-routing fast
 * path belong to the HTTP edge (src/http/), which reads this cache.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([CacheEntryEntity, CacheGenerationEntity]),
    MetricsRegistryModule,
  ],
  controllers: [CacheAdminController],
  providers: [
    CacheRepository,
    CacheService,
    CacheWarmerRegistry,
    CacheAdminService,
    CacheMetrics,
    CacheMonitoringService,
    DatabasePoolRepository,
  ],
  exports: [CacheService, CacheWarmerRegistry],
})
export class AppCacheModule {}
