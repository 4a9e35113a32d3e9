import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';

import { Public, RequireRole } from '../../auth/decorators/access.decorator.js';
import { repeatedIntKey } from '../../common/dto/query-transforms.js';
import { AnnotationStoreService } from '../../genes/annotations/annotation-store.service.js';

class SourceCount {
  @ApiProperty({ example: 'gnomad' }) source: string;
  @ApiProperty({ description: 'Genes with a row from it' }) gene_count: number;
  @ApiProperty({ description: 'Rows (one per gene)' }) annotation_count: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_update: string | null;
}

class AnnotationStatisticsResponse {
  @ApiProperty() total_genes_with_annotations: number;
  @ApiProperty({ description: 'Genes with both an HGNC and a gnomAD row' })
  genes_with_both_sources: number;
  @ApiProperty({ type: [SourceCount] }) sources: SourceCount[];
}

class ValidateQuery {
  @ApiPropertyOptional({ example: 'hgnc', description: 'Only this annotation source' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/)
  source?: string;
}

class AnnotationIssueItem {
  @ApiProperty() gene_id: number;
  @ApiProperty() gene_symbol: string;
  @ApiProperty() source: string;
  @ApiProperty({ example: 'no ncbi_gene_id' }) issue: string;
}

class ValidateResponse {
  @ApiProperty({ description: 'Data rows checked' }) total_annotations: number;
  @ApiProperty() issues_found: number;
  @ApiProperty({ type: [AnnotationIssueItem], description: 'The first 100' })
  issues: AnnotationIssueItem[];
}

class ResetQuery {
  @ApiPropertyOptional({ example: 'gnomad', description: 'Only this annotation source' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/)
  source?: string;

  @ApiPropertyOptional({ type: [Number], description: 'Only these genes (repeated key)' })
  @IsOptional()
  @Transform(repeatedIntKey)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2 ** 31 - 1, { each: true })
  gene_ids?: number[];
}

class ResetResponse {
  @ApiProperty({ example: 'completed' }) status: string;
  @ApiProperty({ description: 'Rows deleted' }) deleted: number;
  @ApiProperty({ description: 'Genes that lost a row' }) affected_genes: number;
  @ApiProperty() message: string;
}

/** The only source whose rows carry a percentile (`ppi_percentile`). */
const PERCENTILE_SOURCES = ['string_ppi'] as const;

class PercentileQuery {
  @ApiProperty({ enum: PERCENTILE_SOURCES, example: 'string_ppi' })
  @IsIn(PERCENTILE_SOURCES, {
    message: `source must be one of: ${PERCENTILE_SOURCES.join(', ')} (the only source with percentiles)`,
  })
  source: string;
}

class PercentileRow {
  @ApiProperty() gene_id: number;
  @ApiProperty() gene_symbol: string;
  @ApiProperty({ nullable: true, type: Number }) stored: number | null;
  @ApiProperty() expected: number;
}

class PercentileValidation {
  @ApiProperty({ example: 'string_ppi' }) source: string;
  @ApiProperty({ description: 'Every stored percentile equals its recomputed rank' })
  valid: boolean;
  @ApiProperty({ description: 'Rows with a score' }) total: number;
  @ApiProperty() mismatched: number;
  @ApiProperty({ description: 'Largest |stored − expected| (1 for a missing percentile)' })
  max_deviation: number;
  @ApiProperty({ type: [PercentileRow], description: 'The 20 largest differences' })
  mismatches: PercentileRow[];
}

class PercentileRefresh {
  @ApiProperty({ example: 'completed' }) status: string;
  @ApiProperty({ example: 'string_ppi' }) source: string;
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Rows whose percentile changed' }) updated: number;
  @ApiProperty() message: string;
}

class RefreshResponse {
  @ApiProperty({ example: 'success' }) status: string;
  @ApiProperty() message: string;
}

/** The original Annotations page's cards and maintenance buttons over the stored rows. */
@ApiTags('annotations')
@Controller('api/annotations')
export class AnnotationMaintenanceController {
  constructor(private readonly store: AnnotationStoreService) {}

  @Get('statistics')
  @Public()
  @ApiOperation({ summary: 'Genes with annotations, overall and per source' })
  @ApiOkResponse({ type: AnnotationStatisticsResponse })
  async statistics(): Promise<AnnotationStatisticsResponse> {
    const [coverage, { sources }] = await Promise.all([this.store.coverage(), this.store.stats()]);
    return {
      total_genes_with_annotations: coverage.genes_with_any,
      genes_with_both_sources: coverage.genes_with_hgnc_and_gnomad,
      sources: [...sources.values()]
        .filter((s) => s.rows > 0)
        .map((s) => ({
          source: s.source,
          gene_count: s.rows,
          annotation_count: s.rows,
          last_update: s.last_updated ? new Date(s.last_updated).toISOString() : null,
        })),
    };
  }

  @Post('pipeline/validate')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Data rows lacking what their source is read for (HGNC: NCBI gene id; gnomAD: pLI)',
  })
  @ApiOkResponse({ type: ValidateResponse })
  async validate(@Query() query: ValidateQuery): Promise<ValidateResponse> {
    const { checked, found, issues } = await this.store.incompleteRows(query.source ?? null);
    return { total_annotations: checked, issues_found: found, issues };
  }

  @Delete('reset')
  @RequireRole('admin')
  @ApiOperation({
    summary:
      'Delete annotation rows and failure records (of a source, of some genes, or all); the next runs annotate them again',
  })
  @ApiOkResponse({ type: ResetResponse })
  async reset(@Query() query: ResetQuery): Promise<ResetResponse> {
    const source = query.source ?? null;
    const { deleted, affected_genes } = await this.store.reset(source, query.gene_ids ?? null);
    return {
      status: 'completed',
      deleted,
      affected_genes,
      message: `Deleted ${deleted} annotation rows${source ? ` of ${source}` : ''}`,
    };
  }

  @Post('percentiles/refresh')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Recompute every stored STRING ppi_percentile as the percent rank of its ppi_score among all stored STRING rows',
  })
  @ApiOkResponse({ type: PercentileRefresh })
  async refreshPercentiles(@Query() query: PercentileQuery): Promise<PercentileRefresh> {
    const { total, updated } = await this.store.refreshPpiPercentiles();
    return {
      status: 'completed',
      source: query.source,
      total,
      updated,
      message: `${updated} of ${total} ${query.source} percentiles rewritten`,
    };
  }

  @Get('percentiles/validate/:source')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Compare the stored STRING percentiles with the percent rank of the stored scores',
  })
  @ApiOkResponse({ type: PercentileValidation })
  async validatePercentiles(@Param() params: PercentileQuery): Promise<PercentileValidation> {
    const { total, differing } = await this.store.checkPpiPercentiles();
    return {
      source: params.source,
      valid: differing.length === 0,
      total,
      mismatched: differing.length,
      max_deviation: differing.reduce(
        (m, r) => Math.max(m, r.stored === null ? 1 : Math.abs(r.stored - r.expected)),
        0,
      ),
      mismatches: differing.slice(0, 20),
    };
  }

  @Post('refresh-view')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rebuild the gene scores now (the original refreshed its views)' })
  @ApiOkResponse({ type: RefreshResponse })
  async refreshView(): Promise<RefreshResponse> {
    await this.store.refreshScores();
    return { status: 'success', message: 'Gene scores rebuilt' };
  }
}
