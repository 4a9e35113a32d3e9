import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { toIntList } from '../../common/dto/query-transforms.js';
import { EVIDENCE_GROUPS, type EvidenceGroup } from '../evidence-tiers.js';
import { ScoreFiltersQuery } from './score-filters.query.js';

/** JSON:API-style list parameters, with the bracketed names the original API used. */
export class ListGenesQuery extends ScoreFiltersQuery {
  @ApiPropertyOptional({ name: 'page[number]', minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  'page[number]': number = 1;

  @ApiPropertyOptional({ name: 'page[size]', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  'page[size]': number = 20;

  @ApiPropertyOptional({
    name: 'filter[search]',
    description: 'Symbol, HGNC id, tier or group (substring); alias (exact)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  'filter[search]'?: string;

  @ApiPropertyOptional({ name: 'filter[min_score]', minimum: 0, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(100)
  'filter[min_score]'?: number;

  @ApiPropertyOptional({ name: 'filter[max_score]', minimum: 0, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(100)
  'filter[max_score]'?: number;

  @ApiPropertyOptional({
    name: 'filter[min_count]',
    minimum: 0,
    description: 'Minimum number of sources',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  'filter[min_count]'?: number;

  @ApiPropertyOptional({ name: 'filter[max_count]', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  'filter[max_count]'?: number;

  @ApiPropertyOptional({
    name: 'filter[source]',
    description: 'Only genes with evidence from this source',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  'filter[source]'?: string;

  @ApiPropertyOptional({ name: 'filter[group]', enum: EVIDENCE_GROUPS })
  @IsOptional()
  @IsIn(EVIDENCE_GROUPS)
  'filter[group]'?: EvidenceGroup;

  @ApiPropertyOptional({
    name: 'filter[ids]',
    description: 'Comma list of gene ids (at most 5,000)',
  })
  @IsOptional()
  @Transform(toIntList)
  @ArrayMaxSize(5000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  'filter[ids]'?: number[];

  @ApiPropertyOptional({
    description:
      'Comma list of keys, `-` for descending: id, symbol, approved_symbol, hgnc_id, score, ' +
      'evidence_score, count, evidence_count, created_at, updated_at, evidence_tier, evidence_group',
    default: '-evidence_score,approved_symbol',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  sort: string = '-evidence_score,approved_symbol';
}
