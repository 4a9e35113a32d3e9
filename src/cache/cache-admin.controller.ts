import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { RequireRole } from '../auth/decorators/access.decorator.js';
import { CacheService } from './cache.service.js';
import { CacheAdminService } from './cache-admin.service.js';
import {
  CacheHealthResponse,
  CacheKeysResponse,
  CacheStatsResponse,
  CleanupResponse,
  ClearResponse,
  KeysQuery,
  NamespaceParam,
  NamespacesResponse,
  NamespaceStatsResponse,
  WarmCacheRequest,
  WarmCacheResponse,
} from './dto/cache.dto.js';

@ApiTags('admin: cache')
@RequireRole('admin')
@Controller('api/admin/cache')
export class CacheAdminController {
  constructor(
    private readonly admin: CacheAdminService,
    private readonly cache: CacheService,
  ) {}

  @Get('stats')
  @RequireRole('admin', { duringOutage: true })
  @ApiOperation({
    summary: 'Counters (this process), stored figures (L2) and memory use, per namespace',
  })
  @ApiOkResponse({ type: CacheStatsResponse })
  stats(): Promise<CacheStatsResponse> {
    return this.admin.stats();
  }

  @Get('stats/:namespace')
  @RequireRole('admin', { duringOutage: true })
  @ApiOperation({ summary: 'One namespace; an empty namespace reports zeros' })
  @ApiOkResponse({ type: NamespaceStatsResponse })
  namespaceStats(@Param() params: NamespaceParam): Promise<NamespaceStatsResponse> {
    return this.admin.namespaceStats(params.namespace);
  }

  @Get('namespaces')
  @ApiOperation({ summary: 'Namespaces with a TTL, stored entries or recent activity' })
  @ApiOkResponse({ type: NamespacesResponse })
  async namespaces(): Promise<NamespacesResponse> {
    return { namespaces: await this.admin.namespaces() };
  }

  @Get('keys')
  @ApiOperation({ summary: 'Stored keys of a namespace, readable, with cursor pagination' })
  @ApiOkResponse({ type: CacheKeysResponse })
  keys(@Query() query: KeysQuery): Promise<CacheKeysResponse> {
    return this.admin.keys(query.namespace, query.limit, query.cursor);
  }

  @Get('health')
  @RequireRole('admin', { duringOutage: true })
  @ApiOperation({ summary: 'L2 availability, invalidation listener, memory pressure' })
  @ApiOkResponse({ type: CacheHealthResponse })
  health(): Promise<CacheHealthResponse> {
    return this.admin.health();
  }

  @Post('cleanup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Purge entries past their stale window now' })
  @ApiOkResponse({ type: CleanupResponse })
  cleanup(): Promise<CleanupResponse> {
    return this.cache.cleanupExpired();
  }

  @Post('warm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preload sources into the cache',
    description:
      'Empty or missing `sources` warms every registered source; unknown names are reported as skipped.',
  })
  @ApiOkResponse({ type: WarmCacheResponse })
  warm(@Body() body: WarmCacheRequest): Promise<WarmCacheResponse> {
    return this.admin.warm(body);
  }

  @Delete(':namespace')
  @ApiOperation({ summary: 'Clear one namespace on every instance' })
  @ApiOkResponse({ type: ClearResponse })
  async clearNamespace(@Param() params: NamespaceParam): Promise<ClearResponse> {
    return {
      namespace: params.namespace,
      entries_cleared: await this.cache.clearNamespace(params.namespace),
    };
  }

  @Delete()
  @ApiOperation({ summary: 'Clear the whole cache on every instance' })
  @ApiOkResponse({ type: ClearResponse })
  async clearAll(): Promise<ClearResponse> {
    return { entries_cleared: await this.cache.clearAll() };
  }
}
