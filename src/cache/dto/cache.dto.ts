import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { NAMESPACE_PATTERN } from '../cache-namespaces.js';

export const WARM_PRIORITIES = ['low', 'normal', 'high'] as const;

export class WarmCacheRequest {
  @ApiPropertyOptional({ type: [String], description: 'Sources to warm; empty or absent = all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  sources?: string[];

  @ApiPropertyOptional({ default: false, description: 'Reload even what is still cached' })
  @IsOptional()
  @IsBoolean()
  force_refresh?: boolean;

  @ApiPropertyOptional({
    enum: WARM_PRIORITIES,
    default: 'normal',
    description: 'How many sources warm at once (1, 2, 4)',
  })
  @IsOptional()
  @IsIn(WARM_PRIORITIES)
  priority?: (typeof WARM_PRIORITIES)[number];
}

export class NamespaceParam {
  @ApiProperty({ example: 'hgnc' })
  @Matches(NAMESPACE_PATTERN, { message: 'namespace must match ^[a-z][a-z0-9_.-]{0,63}$' })
  namespace: string;
}

export class KeysQuery extends NamespaceParam {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ description: 'next_cursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class CounterStats {
  @ApiProperty() hits: number;
  @ApiProperty() hits_l1: number;
  @ApiProperty() hits_l2: number;
  @ApiProperty() misses: number;
  @ApiProperty() hit_rate: number;
  @ApiProperty() sets: number;
  @ApiProperty() deletes: number;
  @ApiProperty() errors: number;
  @ApiProperty() stale_serves: number;
  @ApiProperty() loader_calls: number;
  @ApiProperty({ description: 'Callers that joined an in-flight load instead of loading' })
  coalesced: number;
}

export class StoredStats {
  @ApiProperty() total_entries: number;
  @ApiProperty() active_entries: number;
  @ApiProperty() expired_entries: number;
  @ApiProperty() total_bytes: number;
  @ApiProperty({ nullable: true, type: String }) oldest_entry: string | null;
  @ApiProperty({ nullable: true, type: String }) newest_entry: string | null;
}

export class MemoryStats {
  @ApiProperty() entries: number;
  @ApiProperty() bytes: number;
  @ApiPropertyOptional() max_entries?: number;
  @ApiPropertyOptional() max_bytes?: number;
  @ApiPropertyOptional() evictions?: number;
}

/** Stored figures flat at the top level, as the original Cache page reads them. */
export class FlatStoredStats {
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Stored entries; null while L2 is down',
  })
  total_entries: number | null;
  @ApiProperty({ nullable: true, type: Number }) active_entries: number | null;
  @ApiProperty({ nullable: true, type: Number }) expired_entries: number | null;
  @ApiProperty({ nullable: true, type: Number }) total_size_bytes: number | null;
  @ApiProperty({
    type: Number,
    description: 'hits (memory and table) on this instance since it started',
  })
  total_accesses: number;
  @ApiProperty({ nullable: true, type: String }) oldest_entry: string | null;
  @ApiProperty({ nullable: true, type: String }) newest_entry: string | null;
}

export class NamespaceStatsResponse extends FlatStoredStats {
  @ApiProperty() namespace: string;
  @ApiProperty({ description: 'TTL in seconds' }) ttl_seconds: number;
  @ApiProperty({ type: CounterStats, description: 'This process since start' })
  counters: CounterStats;
  @ApiProperty({
    type: StoredStats,
    nullable: true,
    description: 'L2 table (all instances); null while the database cannot answer',
  })
  stored: StoredStats | null;
  @ApiProperty({ type: MemoryStats }) memory: MemoryStats;
}

export class CacheStatsResponse {
  @ApiProperty({ description: 'Hit rate of this process (0–1), flat for the original clients' })
  hit_rate: number;
  @ApiProperty() hits: number;
  @ApiProperty() misses: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Stored entries (L2 holds every entry; L1 a subset); null while L2 is down',
  })
  total_entries: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Same as total_entries' })
  db_entries: number | null;
  @ApiProperty() memory_entries: number;
  @ApiProperty({ nullable: true, type: Number }) total_size_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number }) total_size_mb: number | null;
  @ApiProperty({
    description: 'Whether L2 answered; when false the stored figures are null (not zeros)',
  })
  l2_available: boolean;
  @ApiProperty({ type: CounterStats }) counters: CounterStats;
  @ApiProperty({
    type: StoredStats,
    nullable: true,
    description: 'L2 table (all instances); null while the database cannot answer',
  })
  stored: StoredStats | null;
  @ApiProperty({ type: MemoryStats }) memory: MemoryStats;
  @ApiProperty({ type: [NamespaceStatsResponse] }) namespaces: NamespaceStatsResponse[];
}

export class NamespacesResponse {
  @ApiProperty({ type: [String] }) namespaces: string[];
}

export class CacheKeyItem {
  @ApiProperty() key: string;
  @ApiProperty() cache_key: string;
  @ApiProperty({ nullable: true, type: String }) expires_at: string | null;
  @ApiProperty() bytes: number;
}

export class CacheKeysResponse {
  @ApiProperty() namespace: string;
  @ApiProperty({ type: [CacheKeyItem] }) keys: CacheKeyItem[];
  @ApiProperty({ nullable: true, type: String }) next_cursor: string | null;
}

export class LastCleanup {
  @ApiProperty() at: string;
  @ApiProperty() l2_deleted: number;
  @ApiProperty() l1_deleted: number;
  @ApiProperty() duration_ms: number;
}

export class CacheHealthResponse {
  @ApiProperty({ enum: ['healthy', 'degraded'] }) status: 'healthy' | 'degraded';
  @ApiProperty({
    type: [String],
    description: 'Every namespace (the original Cache page lists these)',
  })
  namespaces: string[];
  @ApiProperty({ description: 'Always true: the cache cannot be switched off' })
  cache_enabled: boolean;
  @ApiProperty({ description: 'Entries in memory (L1)' }) memory_cache_size: number;
  @ApiProperty({ description: 'Same as l2_available' }) database_connected: boolean;
  @ApiProperty() l2_available: boolean;
  @ApiProperty({ nullable: true, type: String }) l2_retry_at: string | null;
  @ApiProperty({ nullable: true, type: String }) l2_last_error: string | null;
  @ApiProperty() dropped_writes: number;
  @ApiProperty() invalidation_listener_connected: boolean;
  @ApiProperty({ type: MemoryStats }) memory: MemoryStats;
  @ApiProperty({ nullable: true, type: () => LastCleanup }) last_cleanup: LastCleanup | null;
  @ApiProperty({ type: [String] }) issues: string[];
}

export class ClearResponse {
  @ApiProperty() entries_cleared: number;
  @ApiPropertyOptional() namespace?: string;
}

export class DeleteKeyParams extends NamespaceParam {
  @ApiProperty({ description: 'The readable key, as `GET keys/{namespace}` lists it' })
  @IsString()
  @MaxLength(1000)
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  @Matches(/^[^\u0000-\u001f\u007f]+$/, { message: 'key must not contain control characters' })
  key: string;
}

export class DeleteKeyResponse {
  @ApiProperty({ description: 'Whether an entry was there' }) deleted: boolean;
  @ApiProperty() entries_cleared: number;
  @ApiProperty() namespace: string;
  @ApiProperty() key: string;
}

export class KeysPageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  page_size: number = 100;
}

export class CacheKeysPageResponse {
  @ApiProperty() namespace: string;
  @ApiProperty({ type: [CacheKeyItem] }) keys: CacheKeyItem[];
  @ApiProperty() total_keys: number;
  @ApiProperty() page: number;
  @ApiProperty() page_size: number;
  @ApiProperty() has_more: boolean;
}

export class CacheConfigResponse {
  @ApiProperty({ description: 'Always true' }) enabled: boolean;
  @ApiProperty({ description: 'TTL (s) of namespaces without their own' }) default_ttl: number;
  @ApiProperty({ type: Object, example: { hgnc: 86400 } }) namespace_ttls: Record<string, number>;
  @ApiProperty() max_memory_entries: number;
  @ApiProperty() max_memory_bytes: number;
  @ApiProperty({ description: 'Seconds between purges of expired rows (0: never)' })
  cleanup_interval: number;
}

export class PoolFigures {
  @ApiProperty({ description: 'Most connections this instance opens' }) size: number;
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Connections running a query now' }) checked_out: number;
  @ApiProperty() idle: number;
  @ApiProperty({ description: 'Queries waiting for a connection' }) waiting: number;
}

export class PoolHealthResponse {
  @ApiProperty({ enum: ['healthy', 'warning', 'critical'] }) status: string;
  @ApiProperty() message: string;
  @ApiProperty({ type: PoolFigures, nullable: true }) pool: PoolFigures | null;
  @ApiProperty({ description: 'checked_out / size, 0–1' }) utilisation: number;
}

export class PerformanceResponse {
  @ApiProperty() hit_rate: number;
  @ApiProperty({ enum: ['excellent', 'good', 'fair', 'poor', 'very_poor', 'no_traffic'] })
  efficiency: string;
  @ApiProperty({ type: CounterStats }) counters: CounterStats;
  @ApiProperty({ type: [Object], description: 'Per namespace: hits, misses, hit_rate' })
  namespaces: { namespace: string; hits: number; misses: number; hit_rate: number }[];
  @ApiProperty({ type: [String] }) recommendations: string[];
}

export class MonitoringHealthResponse {
  @ApiProperty({
    type: Object,
    example: {
      overall_status: 'healthy',
      components_healthy: 4,
      total_components: 4,
      issues_count: 0,
    },
  })
  summary: {
    overall_status: string;
    components_healthy: number;
    total_components: number;
    issues_count: number;
  };
  @ApiProperty({ type: Object, description: 'Each component: healthy or not, with why' })
  components: Record<string, { healthy: boolean; detail: string }>;
  @ApiProperty({ type: [String] }) issues: string[];
  @ApiProperty() timestamp: string;
}

export class MonitoringDashboardResponse {
  @ApiProperty() timestamp: string;
  @ApiProperty({ type: CacheStatsResponse }) stats: CacheStatsResponse;
  @ApiProperty({ type: CacheHealthResponse }) health: CacheHealthResponse;
  @ApiProperty({ type: PerformanceResponse }) performance: PerformanceResponse;
  @ApiProperty({ type: PoolHealthResponse }) database_pool: PoolHealthResponse;
  @ApiProperty({ type: CacheConfigResponse }) config: CacheConfigResponse;
}

export class ClearAllResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() entries_cleared: number;
  @ApiProperty() message: string;
}

export class CleanupResponse {
  @ApiProperty() l2_deleted: number;
  @ApiProperty() l1_deleted: number;
  @ApiProperty() duration_ms: number;
}

export class WarmedSource {
  @ApiProperty() source: string;
  @ApiProperty() entries: number;
  @ApiProperty() duration_ms: number;
}

export class WarmProblem {
  @ApiProperty() source: string;
  @ApiProperty() reason: string;
}

export class WarmCacheResponse {
  @ApiProperty({ type: [WarmedSource] }) warmed: WarmedSource[];
  @ApiProperty({ type: [WarmProblem] }) failed: WarmProblem[];
  @ApiProperty({ type: [WarmProblem] }) skipped: WarmProblem[];
  @ApiProperty({ type: [String], description: 'Every source that can be warmed' })
  available: string[];
  @ApiProperty() entries_created: number;
  @ApiProperty() duration_ms: number;
  @ApiProperty() message: string;
}
