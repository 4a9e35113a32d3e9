import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { RequireRole } from '../auth/decorators/access.decorator.js';
import { NotFoundError } from '../common/errors/index.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { CacheService } from './cache.service.js';
import { CacheAdminService } from './cache-admin.service.js';
import { CacheMonitoringService } from './cache-monitoring.service.js';
import {
  CacheConfigResponse,
  CacheHealthResponse,
  CacheKeysPageResponse,
  CacheKeysResponse,
  CacheStatsResponse,
  CleanupResponse,
  ClearAllResponse,
  ClearResponse,
  DeleteKeyParams,
  DeleteKeyResponse,
  KeysPageQuery,
  KeysQuery,
  MonitoringDashboardResponse,
  MonitoringHealthResponse,
  NamespaceParam,
  NamespacesResponse,
  NamespaceStatsResponse,
  PerformanceResponse,
  PoolHealthResponse,
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
    private readonly monitoring: CacheMonitoringService,
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

  @Get('keys/:namespace')
  @ApiOperation({ summary: 'Stored keys of a namespace by page number (the original’s paging)' })
  @ApiOkResponse({ type: CacheKeysPageResponse })
  async keysPage(
    @Param() params: NamespaceParam,
    @Query() query: KeysPageQuery,
  ): Promise<CacheKeysPageResponse> {
    const { keys, total } = await this.cache.keysPage(
      params.namespace,
      query.page,
      query.page_size,
    );
    return {
      namespace: params.namespace,
      keys,
      total_keys: total,
      page: query.page,
      page_size: query.page_size,
      has_more: query.page * query.page_size < total,
    };
  }

  @Get('config')
  @ApiOperation({ summary: 'TTLs, memory bounds and cleanup interval in effect on this instance' })
  @ApiOkResponse({ type: CacheConfigResponse })
  config(): CacheConfigResponse {
    return this.monitoring.cacheConfig();
  }

  @Get('database/pool-health')
  @RequireRole('admin', { duringOutage: true })
  @ApiOperation({ summary: 'Connection pool of this instance: size, in use, idle, waiting' })
  @ApiOkResponse({ type: PoolHealthResponse })
  poolHealth(): PoolHealthResponse {
    return this.monitoring.poolHealth();
  }

  @Get('monitoring/dashboard')
  @RequireRole('admin', { duringOutage: true })
  @ApiOperation({ summary: 'Statistics, health, performance, pool and configuration at once' })
  @ApiOkResponse({ type: MonitoringDashboardResponse })
  dashboard(): Promise<MonitoringDashboardResponse> {
    return this.monitoring.dashboard();
  }

  @Get('monitoring/performance')
  @ApiOperation({ summary: 'Hit rates of this process, overall and per namespace, rated' })
  @ApiOkResponse({ type: PerformanceResponse })
  performance(): PerformanceResponse {
    return this.monitoring.performance();
  }

  @Get('monitoring/health')
  @RequireRole('admin', { duringOutage: true })
  @ApiOperation({ summary: 'Health of each cache component with a summary' })
  @ApiOkResponse({ type: MonitoringHealthResponse })
  monitoringHealth(): Promise<MonitoringHealthResponse> {
    return this.monitoring.health();
  }

  @Post('monitoring/clear-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Clear the whole cache on every instance (as DELETE /api/admin/cache)' })
  @ApiOkResponse({ type: ClearAllResponse })
  async monitoringClearAll(): Promise<ClearAllResponse> {
    const cleared = await this.cache.clearAll();
    return { success: true, entries_cleared: cleared, message: `Cleared ${cleared} entries` };
  }

  @Post('monitoring/warm-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Warm every registered source (as POST warm with no sources)' })
  @ApiOkResponse({ type: WarmCacheResponse })
  warmAll(): Promise<WarmCacheResponse> {
    return this.admin.warm({});
  }

  @Get('metrics/prometheus')
  @ApiOperation({ summary: 'The cache’s Prometheus series (a subset of /metrics)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', type: String })
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res() res: Response): Promise<void> {
    const { contentType, text } = await this.monitoring.prometheus();
    res.type(contentType).send(text);
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

  @Delete(':namespace/:key')
  @ApiOperation({ summary: 'Delete one entry (by its readable key) on every instance' })
  @ApiOkResponse({ type: DeleteKeyResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'No such entry' })
  async deleteKey(@Param() params: DeleteKeyParams): Promise<DeleteKeyResponse> {
    const deleted = await this.cache.delete(params.key, params.namespace);
    if (!deleted) {
      // The original answered success for a key that was not there; a 404 says so.
      throw new NotFoundError(`No entry ${JSON.stringify(params.key)} in ${params.namespace}`);
    }
    return {
      deleted,
      entries_cleared: 1,
      namespace: params.namespace,
      key: params.key,
    };
  }

  @Delete()
  @ApiOperation({ summary: 'Clear the whole cache on every instance' })
  @ApiOkResponse({ type: ClearResponse })
  async clearAll(): Promise<ClearResponse> {
    return { entries_cleared: await this.cache.clearAll() };
  }
}
