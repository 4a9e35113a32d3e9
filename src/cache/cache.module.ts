import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheAdminController } from './cache-admin.controller.js';
import { CacheAdminService } from './cache-admin.service.js';
import { CacheWarmerRegistry } from './cache-warmers.js';
import { CacheRepository } from './cache.repository.js';
import { CacheService } from './cache.service.js';
import { CacheEntryEntity } from './entities/cache-entry.entity.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';

/**
 * Owns the shared cache (L1 memory over the `cache_entries` table), its invalidation
 * across instances, warmers and the admin endpoints. Global: every module may inject
 * CacheService.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([CacheEntryEntity])],
  controllers: [CacheAdminController],
  providers: [
    CacheRepository,
    CacheService,
    CacheWarmerRegistry,
    CacheAdminService,
    HttpCacheInterceptor,
  ],
  exports: [CacheService, CacheWarmerRegistry, HttpCacheInterceptor],
})
export class AppCacheModule {}
