import type { NamespaceFigures } from './cache.repository.js';
import type { CacheCounters } from './cache-stats.js';
import type {
  CacheStatsResponse,
  FlatStoredStats,
  NamespaceStatsResponse,
  StoredStats,
} from './dto/cache.dto.js';
import type { MemoryLruStore } from './stores/memory-lru.store.js';

const EMPTY_STORED: StoredStats = {
  total_entries: 0,
  active_entries: 0,
  expired_entries: 0,
  total_bytes: 0,
  oldest_entry: null,
  newest_entry: null,
};

export interface StatsSources {
  /** The stored figures, or null when L2 cannot answer (they are then left out). */
  figures(namespace?: string): Promise<NamespaceFigures[] | null>;
  counters: CacheCounters;
  l1: MemoryLruStore;
  ttlFor(namespace: string): number;
  namespaces(): Promise<string[]>;
}

function stored(figures: NamespaceFigures | undefined): StoredStats {
  if (!figures) {
    return { ...EMPTY_STORED };
  }
  const { namespace: _ns, ...rest } = figures;
  return rest;
}

/**
 * The stored figures flat, in the original's names (nulls while L2 cannot answer), and the
 * hits this instance counted (reads are not written to the table).
 */
function flat(stored: StoredStats | null, hits: number): FlatStoredStats {
  return {
    total_entries: stored?.total_entries ?? null,
    active_entries: stored?.active_entries ?? null,
    expired_entries: stored?.expired_entries ?? null,
    total_size_bytes: stored?.total_bytes ?? null,
    total_accesses: hits,
    oldest_entry: stored?.oldest_entry ?? null,
    newest_entry: stored?.newest_entry ?? null,
  };
}

function describe(
  s: StatsSources,
  namespace: string,
  figures: NamespaceFigures | undefined | null,
): NamespaceStatsResponse {
  const figuresOrNull = figures === null ? null : stored(figures);
  const counters = s.counters.report(namespace);
  return {
    namespace,
    ttl_seconds: s.ttlFor(namespace),
    ...flat(figuresOrNull, counters.hits),
    counters,
    stored: figuresOrNull,
    memory: s.l1.countNamespace(namespace),
  };
}

/** One namespace; a namespace with nothing in it reports zeros, never an error. */
export async function namespaceStats(
  s: StatsSources,
  namespace: string,
): Promise<NamespaceStatsResponse> {
  const figures = await s.figures(namespace);
  return describe(s, namespace, figures === null ? null : figures[0]);
}

/**
 * Per-process counters, stored figures from the `cache_stats` view and memory use. While
 * L2 cannot answer, the stored figures are null (never zeros, which would be false) and
 * the in-memory ones are reported as usual.
 */
export async function allStats(s: StatsSources): Promise<CacheStatsResponse> {
  const [figures, names] = await Promise.all([s.figures(), s.namespaces()]);
  const byName = new Map((figures ?? []).map((f) => [f.namespace, f]));
  const total = (figures ?? []).reduce<StoredStats>(
    (sum, f) => ({
      total_entries: sum.total_entries + f.total_entries,
      active_entries: sum.active_entries + f.active_entries,
      expired_entries: sum.expired_entries + f.expired_entries,
      total_bytes: sum.total_bytes + f.total_bytes,
      oldest_entry: [sum.oldest_entry, f.oldest_entry].filter(Boolean).sort()[0] ?? null,
      newest_entry: [sum.newest_entry, f.newest_entry].filter(Boolean).sort().at(-1) ?? null,
    }),
    { ...EMPTY_STORED },
  );
  const counters = s.counters.report();
  const entries = figures === null ? null : total.total_entries;
  const bytes = figures === null ? null : total.total_bytes;
  return {
    hit_rate: counters.hit_rate,
    hits: counters.hits,
    misses: counters.misses,
    total_entries: entries,
    db_entries: entries,
    memory_entries: s.l1.size,
    total_size_bytes: bytes,
    total_size_mb: bytes === null ? null : Math.round((bytes / (1024 * 1024)) * 100) / 100,
    l2_available: figures !== null,
    counters,
    stored: figures === null ? null : total,
    memory: {
      entries: s.l1.size,
      bytes: s.l1.bytes,
      max_entries: s.l1.maxEntries,
      max_bytes: s.l1.maxBytes,
      evictions: s.l1.evictions,
    },
    namespaces: names.map((n) => describe(s, n, figures === null ? null : byName.get(n))),
  };
}
