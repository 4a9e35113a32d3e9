import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { EVIDENCE_TIERS, type EvidenceTier } from '../evidence-sources.js';
import { toBoolean, toList } from '../../common/dto/query-transforms.js';

export class StatisticsQuery {
  @ApiPropertyOptional({ name: 'filter[hide_zero_scores]', type: Boolean, default: true })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  'filter[hide_zero_scores]': boolean = true;

  @ApiPropertyOptional({
    name: 'filter[tier]',
    description: `Comma list of: ${EVIDENCE_TIERS.join(', ')}`,
  })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(6)
  @IsIn(EVIDENCE_TIERS, { each: true })
  'filter[tier]'?: EvidenceTier[];
}

export class OverlapsQuery extends StatisticsQuery {
  @ApiPropertyOptional({ description: 'Comma list of sources (default: all with evidence)' })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(20)
  @Matches(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { each: true })
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
  @Matches(/^[A-Za-z][A-Za-z0-9_]*$/)
  name: string;
}

export class StatisticsResponse {
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
  @ApiProperty({ type: Object }) meta: Record<string, unknown>;
}
