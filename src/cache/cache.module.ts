import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheAdminController } from './cache-admin.controller.js';
import { CacheAdminService } from './cache-admin.service.js';
import { CacheWarmerRegistry } from './cache-warmers.js';
import { CacheRepository } from './cache.repository.js';
import { CacheService } from './cache.service.js';
import { CacheEntryEntity } from './entities/cache-entry.entity.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';
import { ResponseFastPath, ResponseFastPathModule } from './http-fast-path.js';

/**
 * Owns the shared cache (L1 memory over the `cache_entries` table), its invalidation
 * across instances, the response cache of public GETs (with its pre-routing fast
 * path), warmers and the admin endpoints. Global: every module may inject
 * CacheService.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([CacheEntryEntity]), ResponseFastPathModule],
  controllers: [CacheAdminController],
  providers: [
    CacheRepository,
    CacheService,
    CacheWarmerRegistry,
    CacheAdminService,
    HttpCacheInterceptor,
    ResponseFastPath,
  ],
  exports: [CacheService, CacheWarmerRegistry, HttpCacheInterceptor, ResponseFastPath],
})
export class AppCacheModule {}
