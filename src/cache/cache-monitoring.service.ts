import { Injectable } from '@nestjs/common';

import { AppConfig } from '../config/index.js';
import { DatabasePoolRepository } from '../database/database-pool.repository.js';
import { MetricsRegistry } from '../metrics/metrics-registry.module.js';
import { CacheService } from './cache.service.js';
import { CacheAdminService } from './cache-admin.service.js';
import type {
  CacheConfigResponse,
  MonitoringDashboardResponse,
  MonitoringHealthResponse,
  PerformanceResponse,
  PoolHealthResponse,
} from './dto/cache.dto.js';

/** Hit-rate bands of the efficiency rating (the original's bands). */
const EFFICIENCY: [number, string][] = [
  [0.8, 'excellent'],
  [0.6, 'good'],
  [0.4, 'fair'],
  [0.2, 'poor'],
];

/** The cache's own series in the instance registry (see CacheMetrics). */
const CACHE_SERIES = ['kgdb_cache_lookups_total', 'kgdb_cache_l1_entries', 'kgdb_cache_l1_bytes'];

/**
 * Configuration, connection pool, performance and health views of the cache admin
 * pages, each read from the live cache and pool of this instance.
 */
@Injectable()
export class CacheMonitoringService {
  constructor(
    private readonly cache: CacheService,
    private readonly admin: CacheAdminService,
    private readonly pool: DatabasePoolRepository,
    private readonly registry: MetricsRegistry,
    private readonly config: AppConfig,
  ) {}

  cacheConfig(): CacheConfigResponse {
    const namespaces = this.cache.knownNamespaces();
    return {
      enabled: true,
      default_ttl: this.cache.defaultTtl,
      namespace_ttls: Object.fromEntries(namespaces.map((n) => [n, this.cache.ttlFor(n)])),
      max_memory_entries: this.cache.l1.maxEntries,
      max_memory_bytes: this.cache.l1.maxBytes,
      cleanup_interval: this.config.cache.cleanupIntervalSeconds,
    };
  }

  /** Critical when queries wait for a connection or over 90 % are in use; warning over 70 %. */
  poolHealth(): PoolHealthResponse {
    const pool = this.pool.pool();
    if (!pool) {
      return { status: 'critical', message: 'no connection pool yet', pool: null, utilisation: 0 };
    }
    const size = pool.options?.max ?? this.config.database.poolSize;
    const checkedOut = pool.totalCount - pool.idleCount;
    const utilisation = size === 0 ? 0 : Math.round((checkedOut / size) * 1000) / 1000;
    const status =
      pool.waitingCount > 0 || utilisation > 0.9
        ? 'critical'
        : utilisation > 0.7
          ? 'warning'
          : 'healthy';
    return {
      status,
      message: `${checkedOut} of ${size} connections in use, ${pool.waitingCount} waiting`,
      pool: {
        size,
        total: pool.totalCount,
        checked_out: checkedOut,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
      },
      utilisation,
    };
  }

  performance(): PerformanceResponse {
    const counters = this.cache.counters.report();
    const lookups = counters.hits + counters.misses;
    const efficiency =
      lookups === 0
        ? 'no_traffic'
        : (EFFICIENCY.find(([floor]) => counters.hit_rate >= floor)?.[1] ?? 'very_poor');
    const namespaces = this.cache.counters.namespaces().map((namespace) => {
      const c = this.cache.counters.report(namespace);
      return { namespace, hits: c.hits, misses: c.misses, hit_rate: c.hit_rate };
    });
    const recommendations: string[] = [];
    if (lookups > 0 && counters.hit_rate < 0.4) {
      recommendations.push('Hit rate below 40%: consider longer TTLs or warming the cache');
    }
    if (this.cache.l1.evictions > 0) {
      recommendations.push('Memory cache evicts entries: consider raising cache.l1_max_entries');
    }
    return { hit_rate: counters.hit_rate, efficiency, counters, namespaces, recommendations };
  }

  async health(): Promise<MonitoringHealthResponse> {
    const cache = await this.admin.health();
    const pool = this.poolHealth();
    const memoryFull = cache.issues.some((i) => i.startsWith('in-memory'));
    const components = {
      l2: {
        healthy: cache.l2_available,
        detail: cache.l2_available ? 'PostgreSQL table answers' : (cache.l2_last_error ?? 'down'),
      },
      invalidation_listener: {
        healthy: cache.invalidation_listener_connected,
        detail: cache.invalidation_listener_connected ? 'connected' : 'disconnected',
      },
      memory: { healthy: !memoryFull, detail: `${cache.memory.entries} entries` },
      database_pool: { healthy: pool.status === 'healthy', detail: pool.message },
    };
    const healthy = Object.values(components).filter((c) => c.healthy).length;
    const total = Object.keys(components).length;
    const issues = [...cache.issues, ...(pool.status === 'healthy' ? [] : [pool.message])];
    return {
      summary: {
        overall_status: healthy === total ? 'healthy' : cache.l2_available ? 'warning' : 'critical',
        components_healthy: healthy,
        total_components: total,
        issues_count: issues.length,
      },
      components,
      issues,
      timestamp: new Date().toISOString(),
    };
  }

  async dashboard(): Promise<MonitoringDashboardResponse> {
    const [stats, health] = await Promise.all([this.admin.stats(), this.admin.health()]);
    return {
      timestamp: new Date().toISOString(),
      stats,
      health,
      performance: this.performance(),
      database_pool: this.poolHealth(),
      config: this.cacheConfig(),
    };
  }

  /** The cache's series in the Prometheus text format. */
  async prometheus(): Promise<{ contentType: string; text: string }> {
    const texts = await Promise.all(
      CACHE_SERIES.map((name) => this.registry.getSingleMetricAsString(name)),
    );
    return { contentType: this.registry.contentType, text: `${texts.join('\n')}\n` };
  }
}
