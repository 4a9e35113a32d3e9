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
  @ApiProperty() total_accesses: number;
  @ApiProperty({ nullable: true, type: String }) last_access: string | null;
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

export class NamespaceStatsResponse {
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
