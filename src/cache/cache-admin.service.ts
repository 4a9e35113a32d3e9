import { Injectable, Logger } from '@nestjs/common';

import { CacheService } from './cache.service.js';
import { CacheWarmerRegistry } from './cache-warmers.js';
import type {
  CacheHealthResponse,
  CacheKeysResponse,
  CacheStatsResponse,
  NamespaceStatsResponse,
  WarmCacheRequest,
  WarmCacheResponse,
  WarmedSource,
  WarmProblem,
} from './dto/cache.dto.js';

const CONCURRENCY = { low: 1, normal: 2, high: 4 } as const;

/** Statistics, listings, health and warming behind the admin cache endpoints. */
@Injectable()
export class CacheAdminService {
  private readonly logger = new Logger(CacheAdminService.name);

  constructor(
    private readonly cache: CacheService,
    private readonly warmers: CacheWarmerRegistry,
  ) {}

  namespaces(): Promise<string[]> {
    return this.cache.namespaces();
  }

  namespaceStats(namespace: string): Promise<NamespaceStatsResponse> {
    return this.cache.stats(namespace);
  }

  stats(): Promise<CacheStatsResponse> {
    return this.cache.stats();
  }

  async keys(namespace: string, limit: number, cursor?: string): Promise<CacheKeysResponse> {
    return { namespace, ...(await this.cache.keys(namespace, { limit, cursor })) };
  }

  async health(): Promise<CacheHealthResponse> {
    const { breaker, l1 } = this.cache;
    const l2Available = await this.cache.l2Reachable();
    const issues: string[] = [];
    if (!l2Available) {
      issues.push('L2 (PostgreSQL) unavailable: serving from memory, writes not persisted');
    }
    if (!this.cache.listenerConnected) {
      issues.push('invalidation listener disconnected: other instances may serve stale entries');
    }
    if (l1.size >= l1.maxEntries * 0.9 || l1.bytes >= l1.maxBytes * 0.9) {
      issues.push('in-memory cache above 90% of its bound');
    }
    const retryAt = breaker.retryAt;
    return {
      status: !l2Available || !this.cache.listenerConnected ? 'degraded' : 'healthy',
      namespaces: await this.cache.namespaces(),
      cache_enabled: true,
      memory_cache_size: l1.size,
      database_connected: l2Available,
      l2_available: l2Available,
      l2_retry_at: retryAt === null ? null : new Date(retryAt).toISOString(),
      l2_last_error: breaker.lastError,
      dropped_writes: breaker.droppedWrites,
      invalidation_listener_connected: this.cache.listenerConnected,
      memory: {
        entries: l1.size,
        bytes: l1.bytes,
        max_entries: l1.maxEntries,
        max_bytes: l1.maxBytes,
        evictions: l1.evictions,
      },
      last_cleanup: this.cache.lastCleanup,
      issues,
    };
  }

  /**
   * Runs registered warm functions: all of them for an empty or missing list, the named
   * ones otherwise. Unknown names are reported as skipped, not rejected.
   */
  async warm(request: WarmCacheRequest): Promise<WarmCacheResponse> {
    const started = performance.now();
    const available = this.warmers.names();
    const requested = request.sources?.length ? [...new Set(request.sources)] : available;
    const skipped: WarmProblem[] = requested
      .filter((s) => !this.warmers.get(s))
      .map((source) => ({
        source,
        reason: `no such source; available: ${available.join(', ') || 'none registered yet'}`,
      }));
    const queue = requested.filter((s) => this.warmers.get(s));
    const warmed: WarmedSource[] = [];
    const failed: WarmProblem[] = [];
    const worker = async () => {
      for (let source = queue.shift(); source !== undefined; source = queue.shift()) {
        const t0 = performance.now();
        try {
          const entries = await this.warmers
            .get(source)!
            .warm({ forceRefresh: request.force_refresh === true });
          warmed.push({ source, entries, duration_ms: Math.round(performance.now() - t0) });
        } catch (error) {
          this.logger.warn({ err: error, source }, 'cache warm failed');
          failed.push({ source, reason: error instanceof Error ? error.message : String(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY[request.priority ?? 'normal'] }, worker));
    const entries = warmed.reduce((n, w) => n + w.entries, 0);
    return {
      warmed,
      failed,
      skipped,
      available,
      entries_created: entries,
      duration_ms: Math.round(performance.now() - started),
      message:
        available.length === 0
          ? 'No source has registered a warm function yet; nothing was preloaded'
          : `Warmed ${warmed.length} source(s), ${entries} entries; ${failed.length} failed, ${skipped.length} skipped`,
    };
  }
}
