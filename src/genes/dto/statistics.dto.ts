import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { toBoolean, toList } from '../../common/dto/query-transforms.js';
import { SOURCE_NAME } from '../../common/evidence/gene-identifiers.js';
import { ScoreFiltersQuery } from './score-filters.query.js';

export class OverlapsQuery extends ScoreFiltersQuery {
  @ApiPropertyOptional({ description: 'Comma list of sources (default: all with evidence)' })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(20)
  @Matches(SOURCE_NAME, { each: true })
  sources?: string[];

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Include gene symbols per intersection',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  detail: boolean = false;
}

export class SourceNameParam {
  @ApiProperty({ example: 'ClinGen' })
  @IsString()
  @MaxLength(64)
  @Matches(SOURCE_NAME)
  name: string;
}

export class StatisticsResponse {
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
  @ApiProperty({ type: Object }) meta: Record<string, unknown>;
}
