import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional } from 'class-validator';

import { toBoolean, toList } from '../../common/dto/query-transforms.js';
import { EVIDENCE_TIERS, type EvidenceTier } from '../evidence-tiers.js';

/** The score filters the gene list and the statistics endpoints share. */
export class ScoreFiltersQuery {
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
