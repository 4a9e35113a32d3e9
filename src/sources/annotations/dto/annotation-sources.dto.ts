import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';

import { toBoolean } from '../../../common/dto/query-transforms.js';
import type { AnnotationRunResult } from '../../runner/annotation-run.js';

export class AnnotationSourceStatus {
  @ApiProperty({ example: 'gnomad' }) name: string;
  @ApiProperty({ example: 'gnomad', description: 'Same as name (the original clients’ key)' })
  source_name: string;
  @ApiProperty({ example: 'gnomAD' }) display_name: string;
  @ApiProperty() description: string;
  @ApiProperty({ nullable: true, type: String, description: 'The upstream’s home page' })
  url: string | null;
  @ApiProperty({ description: 'Always true: every declared source runs' }) is_active: boolean;
  @ApiProperty({ enum: ['bulk', 'per-gene'] }) mode: 'bulk' | 'per-gene';
  @ApiProperty({ nullable: true, type: String, description: 'Version of the newest row' })
  version: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  last_updated: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Same as last_updated',
  })
  last_update: string | null;
  @ApiProperty({ description: 'Days between scheduled updates (ANNOTATION_UPDATE_DAYS)' })
  update_interval_days: number;
  @ApiProperty({ example: 'every 7 days', description: 'update_interval_days, in words' })
  update_frequency: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  next_update_due: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Same as next_update_due',
  })
  next_update: string | null;
  @ApiProperty({ description: 'Genes in the database' }) genes_total: number;
  @ApiProperty({ description: 'Genes with data from this source' }) genes_annotated: number;
  @ApiProperty({ description: 'Genes the source answered for with no data' }) no_data: number;
  @ApiProperty({ description: 'Genes whose last attempt failed' }) failed: number;
  @ApiProperty({ description: 'Rows (data or no data) per gene, 0–1', example: 0.982 })
  coverage: number;
  @ApiProperty({ nullable: true, type: String, description: 'Run in progress here, if any' })
  running_run_id: string | null;
}

export class AnnotationSourceParam {
  @ApiProperty({ example: 'gnomad' })
  @Matches(/^[A-Za-z][A-Za-z0-9_-]{0,49}$/)
  name: string;
}

export class AnnotationUpdateQuery {
  @ApiPropertyOptional({
    enum: ['all', 'missing', 'failed'],
    default: 'all',
    description: 'all genes, genes without a row, or genes whose last attempt failed',
  })
  @IsOptional()
  @IsIn(['all', 'missing', 'failed'])
  scope: 'all' | 'missing' | 'failed' = 'all';

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Drop cached upstream responses first',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  force: boolean = false;
}

export class AnnotationRunResponse {
  @ApiProperty({
    type: Object,
    description:
      'run_id, source, status (completed|failed|cancelled), version, genes_total, updated, no_data, failed, failures[{gene_id, symbol, reason}], error, duration_ms',
  })
  data: AnnotationRunResult;
}

export class AnnotationSourcesQuery {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'The original Annotations page sends it; every source here is active',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  active_only?: boolean;
}
