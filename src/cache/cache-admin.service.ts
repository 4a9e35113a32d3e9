import { Injectable, Logger } from '@nestjs/common';
import { CacheWarmerRegistry } from './cache-warmers.js';
import { CacheRepository, type NamespaceFigures } from './cache.repository.js';
import { CacheService } from './cache.service.js';
import type {
  CacheHealthResponse,
  CacheKeysResponse,
  CacheStatsResponse,
  NamespaceStatsResponse,
  StoredStats,
  WarmCacheRequest,
  WarmCacheResponse,
  WarmProblem,
  WarmedSource,
} from './dto/cache.dto.js';

const EMPTY_STORED: StoredStats = {
  total_entries: 0,
  active_entries: 0,
  expired_entries: 0,
  total_bytes: 0,
  total_accesses: 0,
  last_access: null,
  oldest_entry: null,
  newest_entry: null,
};

const CONCURRENCY = { low: 1, normal: 2, high: 4 } as const;

function stored(figures: NamespaceFigures | undefined): StoredStats {
  if (!figures) return { ...EMPTY_STORED };
  const { namespace: _ns, ...rest } = figures;
  return rest;
}

/** Statistics, listings, health and warming behind the admin cache endpoints. */
@Injectable()
export class CacheAdminService {
  private readonly logger = new Logger(CacheAdminService.name);

  constructor(
    private readonly cache: CacheService,
    private readonly repository: CacheRepository,
    private readonly warmers: CacheWarmerRegistry,
  ) {}

  /** Every namespace with a TTL, rows in L2, or activity in this process. */
  async namespaces(): Promise<string[]> {
    const fromTable = await this.repository.namespaces();
    return [
      ...new Set([
        ...this.cache.knownNamespaces(),
        ...fromTable,
        ...this.cache.counters.namespaces(),
      ]),
    ].sort();
  }

  /** A namespace with nothing in it reports zeros, never an error. */
  async namespaceStats(namespace: string): Promise<NamespaceStatsResponse> {
    const [figures] = await this.repository.figures(namespace);
    return this.describe(namespace, figures);
  }

  private describe(
    namespace: string,
    figures: NamespaceFigures | undefined,
  ): NamespaceStatsResponse {
    return {
      namespace,
      ttl_seconds: this.cache.ttlFor(namespace),
      counters: this.cache.counters.report(namespace),
      stored: stored(figures),
      memory: this.cache.l1.countNamespace(namespace),
    };
  }

  async stats(): Promise<CacheStatsResponse> {
    const [figures, names] = await Promise.all([this.repository.figures(), this.namespaces()]);
    const byName = new Map(figures.map((f) => [f.namespace, f]));
    const total = figures.reduce<StoredStats>(
      (sum, f) => ({
        total_entries: sum.total_entries + f.total_entries,
        active_entries: sum.active_entries + f.active_entries,
        expired_entries: sum.expired_entries + f.expired_entries,
        total_bytes: sum.total_bytes + f.total_bytes,
        total_accesses: sum.total_accesses + f.total_accesses,
        last_access: [sum.last_access, f.last_access].filter(Boolean).sort().at(-1) ?? null,
        oldest_entry: [sum.oldest_entry, f.oldest_entry].filter(Boolean).sort()[0] ?? null,
        newest_entry: [sum.newest_entry, f.newest_entry].filter(Boolean).sort().at(-1) ?? null,
      }),
      { ...EMPTY_STORED },
    );
    const l1 = this.cache.l1;
    return {
      counters: this.cache.counters.report(),
      stored: total,
      memory: {
        entries: l1.size,
        bytes: l1.bytes,
        max_entries: l1.maxEntries,
        max_bytes: l1.maxBytes,
        evictions: l1.evictions,
      },
      namespaces: names.map((n) => this.describe(n, byName.get(n))),
    };
  }

  async keys(namespace: string, limit: number, cursor?: string): Promise<CacheKeysResponse> {
    const rows = await this.repository.keys(namespace, limit + 1, cursor);
    const page = rows.slice(0, limit);
    return {
      namespace,
      keys: page,
      next_cursor: rows.length > limit ? (page.at(-1)?.cache_key ?? null) : null,
    };
  }

  health(): CacheHealthResponse {
    const { breaker, l1 } = this.cache;
    const issues: string[] = [];
    if (breaker.degraded)
      issues.push('L2 (PostgreSQL) unavailable: serving from memory, writes not persisted');
    if (!this.cache.listenerConnected)
      issues.push('invalidation listener disconnected: other instances may serve stale entries');
    if (l1.size >= l1.maxEntries * 0.9 || l1.bytes >= l1.maxBytes * 0.9)
      issues.push('in-memory cache above 90% of its bound');
    const retryAt = breaker.retryAt;
    return {
      status: breaker.degraded || !this.cache.listenerConnected ? 'degraded' : 'healthy',
      l2_available: !breaker.degraded,
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
