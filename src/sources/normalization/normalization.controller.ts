import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { RequireRole } from '../../auth/decorators/access.decorator.js';
import { NormalizationProbeService } from './normalization-probe.service.js';

export class NormalizationTestQuery {
  @ApiProperty({ description: 'The gene text to normalize', example: 'PKD1' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  gene_text: string;

  @ApiPropertyOptional({ description: 'Named in the upstream log lines', default: 'Manual Test' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  source_name?: string;
}

class NormalizationResult {
  @ApiProperty() approved_symbol: string;
  @ApiProperty() hgnc_id: string;
  @ApiProperty({ example: 'local_symbol' }) method: string;
}

export class NormalizationTestResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: NormalizationResult, nullable: true }) result: NormalizationResult | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

/** The Staging page's "test normalization" box: one gene text, nothing stored. */
@ApiTags('staging')
@Controller('api/staging/normalization')
export class NormalizationController {
  constructor(private readonly probe: NormalizationProbeService) {}

  @Post('test')
  @HttpCode(200)
  @RequireRole('curator')
  @ApiOperation({
    summary:
      'What normalization makes of one gene text: stored genes first, then HGNC; stores nothing',
  })
  @ApiOkResponse({ type: NormalizationTestResponse })
  test(@Query() query: NormalizationTestQuery): Promise<NormalizationTestResponse> {
    return this.probe.probe(query.gene_text, query.source_name ?? 'Manual Test');
  }
}
