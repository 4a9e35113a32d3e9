import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { RequireRole } from '../../auth/decorators/access.decorator.js';
import {
  type AuthenticatedUser,
  CurrentUser,
} from '../../auth/decorators/current-user.decorator.js';
import { OffsetPageQuery } from '../../common/dto/offset-page.query.js';
import { toBoolean } from '../../common/dto/query-transforms.js';
import { GENE_SYMBOL, HGNC_ID_INPUT, SOURCE_NAME } from '../../common/evidence/gene-identifiers.js';
import { ErrorEnvelope } from '../../common/filters/error-envelope.js';
import { LegacyAlias } from '../../http/legacy-alias.decorator.js';
import { type BulkOutcome, StagingService } from './staging.service.js';
import { legacyReviewBody, legacyStagingList, legacyStagingStats } from './staging-legacy.types.js';

class NormalizationStatsResponse {
  @ApiProperty({ description: 'Gene texts the sources delivered: stored on their own or staged' })
  total_attempts: number;
  @ApiProperty({ description: 'Of those, stored as evidence without a curator' })
  successful_attempts: number;
  @ApiProperty({
    description:
      'Fraction 0–1, four decimals (the original Staging page shows it ×100); 0 when nothing was attempted',
  })
  success_rate: number;
  @ApiProperty({ description: 'The same in percent, one decimal' })
  success_percentage: number;
  @ApiProperty({ type: Object, description: 'The same four numbers per source' })
  by_source: Record<string, unknown>;
}

export class NormalizationLogsQuery {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;

  @ApiPropertyOptional({ example: 'GenCC' })
  @IsOptional()
  @Matches(SOURCE_NAME)
  source_filter?: string;

  @ApiPropertyOptional({ description: 'true: only successes (none are logged, so empty)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  success_filter?: boolean;
}

class NormalizationLogEntry {
  @ApiProperty() id: number;
  @ApiProperty() original_text: string;
  @ApiProperty() source_name: string;
  @ApiProperty({ description: 'Always false: only failed attempts are kept (as staging entries)' })
  success: boolean;
  @ApiProperty({ type: String, nullable: true }) approved_symbol: string | null;
  @ApiProperty({ type: String, nullable: true }) hgnc_id: string | null;
  @ApiProperty({ type: Object, description: '`{failure_reason, candidates, status}`' })
  normalization_log: Record<string, unknown>;
  @ApiProperty({ type: Number, nullable: true }) api_calls_made: number | null;
  @ApiProperty({ type: Number, nullable: true }) processing_time_ms: number | null;
  @ApiProperty() created_at: string;
}

export class ListStagingQuery extends OffsetPageQuery {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'], default: 'pending' })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected'])
  status: 'pending' | 'approved' | 'rejected' = 'pending';

  @ApiPropertyOptional({ example: 'GenCC' })
  @IsOptional()
  @Matches(SOURCE_NAME)
  source?: string;
}

export class ApproveStagingRequest {
  @ApiPropertyOptional({ description: 'Link to this existing gene' })
  @IsOptional()
  @IsInt()
  @Min(1)
  gene_id?: number;

  @ApiPropertyOptional({ example: 'HGNC:8601', description: 'Or this HGNC id (found or created)' })
  @IsOptional()
  @Matches(HGNC_ID_INPUT)
  hgnc_id?: string;

  @ApiPropertyOptional({
    example: 'NPHP1',
    description: 'Approved symbol when the gene is created',
  })
  @IsOptional()
  @Matches(GENE_SYMBOL)
  approved_symbol?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

export class BulkApproveItem extends ApproveStagingRequest {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  id: number;
}

export class BulkApproveRequest {
  @ApiProperty({ type: [BulkApproveItem], minItems: 1, maxItems: 200 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => BulkApproveItem)
  items: BulkApproveItem[];
}

export class BulkRejectRequest {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 500 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  ids: number[];

  @ApiProperty({ description: 'Why the symbols are not genes we track' })
  @IsString()
  @Length(1, 2000)
  notes: string;
}

export class RejectStagingRequest {
  @ApiProperty({ description: 'Why the symbol is not a gene we track' })
  @IsString()
  @Length(1, 2000)
  notes: string;
}

export class StagingResponse {
  @ApiProperty({ type: Object }) data: unknown;
  @ApiPropertyOptional({ type: Object }) meta?: Record<string, unknown>;
}

@ApiTags('staging')
@RequireRole('curator')
@Controller('api/staging')
export class StagingController {
  constructor(private readonly staging: StagingService) {}

  @Get()
  @LegacyAlias({
    path: '/api/staging/staging/pending',
    why: 'the original Staging page; its router was mounted under /api/staging twice',
    dropQuery: ['requires_expert_review'],
    reshape: legacyStagingList,
  })
  @ApiOperation({ summary: 'Unresolved symbols, highest priority first' })
  @ApiOkResponse({ type: StagingResponse })
  async list(@Query() q: ListStagingQuery): Promise<StagingResponse> {
    const { rows, total } = await this.staging.list(q);
    return { data: rows, meta: { total, limit: q.limit, offset: q.offset } };
  }

  @Get('stats')
  @LegacyAlias({
    path: '/api/staging/staging/stats',
    why: 'the original Staging page and admin dashboard',
    reshape: legacyStagingStats,
  })
  @ApiOperation({ summary: 'Counts by status, and pending entries per source' })
  @ApiOkResponse({ type: StagingResponse })
  async stats(): Promise<StagingResponse> {
    return { data: await this.staging.stats() };
  }

  @Get('normalization/stats')
  @ApiOperation({
    summary:
      'How often automatic normalization found the gene, overall and per source (success_rate in percent)',
  })
  @ApiOkResponse({ type: NormalizationStatsResponse })
  normalizationStats(): Promise<NormalizationStatsResponse> {
    return this.staging.normalizationStats();
  }

  @Get('normalization/logs')
  @ApiOperation({
    summary:
      'Normalization failures, newest first: the gene texts that went to staging (a bare array)',
  })
  @ApiOkResponse({ type: NormalizationLogEntry, isArray: true })
  normalizationLogs(@Query() q: NormalizationLogsQuery): Promise<NormalizationLogEntry[]> {
    return this.staging.normalizationLogs(q.limit, q.source_filter, q.success_filter);
  }

  @Post('bulk/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve many entries; each succeeds or fails on its own',
    description:
      'The response lists, per id, the gene it was linked to or the error that stopped it.',
  })
  @ApiOkResponse({ type: StagingResponse })
  async bulkApprove(
    @Body() body: BulkApproveRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StagingResponse> {
    const results = await this.staging.bulk(
      body.items.map((i) => i.id),
      (id, index) => {
        const item = body.items[index];
        return this.staging.approve(id, user.id, {
          geneId: item.gene_id,
          hgncId: item.hgnc_id,
          approvedSymbol: item.approved_symbol,
          notes: item.notes,
        });
      },
    );
    return bulkResponse(results);
  }

  @Post('bulk/reject')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reject many entries with one reason; each succeeds or fails on its own',
  })
  @ApiOkResponse({ type: StagingResponse })
  async bulkReject(
    @Body() body: BulkRejectRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StagingResponse> {
    const results = await this.staging.bulk(body.ids, (id) =>
      this.staging.reject(id, user.id, body.notes),
    );
    return bulkResponse(results);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @LegacyAlias({
    path: '/api/staging/staging/:id/approve',
    why: 'the original Staging page, which also sends `reviewer` and nulls for empty fields',
    body: legacyReviewBody,
  })
  @ApiOperation({ summary: 'Link or create the gene and replay the staged evidence into it' })
  @ApiOkResponse({ type: StagingResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Already reviewed' })
  async approve(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: ApproveStagingRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StagingResponse> {
    return {
      data: await this.staging.approve(id, user.id, {
        geneId: body.gene_id,
        hgncId: body.hgnc_id,
        approvedSymbol: body.approved_symbol,
        notes: body.notes,
      }),
    };
  }

  @Post(':id/reject')
  @HttpCode(200)
  @LegacyAlias({
    path: '/api/staging/staging/:id/reject',
    why: 'the original Staging page, which also sends `reviewer`',
    body: legacyReviewBody,
  })
  @ApiOperation({ summary: 'Record why a staged symbol is rejected' })
  @ApiOkResponse({ type: StagingResponse })
  async reject(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: RejectStagingRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StagingResponse> {
    return { data: await this.staging.reject(id, user.id, body.notes) };
  }
}

function bulkResponse(results: BulkOutcome<unknown>[]): StagingResponse {
  const failed = results.filter((r) => !r.ok).length;
  return { data: results, meta: { succeeded: results.length - failed, failed } };
}
