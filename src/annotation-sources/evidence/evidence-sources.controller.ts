import { Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { toBoolean } from '../../common/dto/query-transforms.js';
import { RequireRole } from '../../auth/decorators/access.decorator.js';
import { ErrorEnvelope } from '../../common/filters/error-envelope.js';
import { SOURCE_NAME } from '../../genes/gene-identifiers.js';
import { EvidenceSourcesService, type SourceRunResult } from './evidence-sources.service.js';

class SourceParam {
  @ApiProperty({ example: 'ClinGen' })
  @Matches(SOURCE_NAME)
  name: string;
}

class UpdateQuery {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Download again even if cached',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  force_refresh: boolean = false;
}

class SourceRunResponse {
  @ApiProperty({
    type: Object,
    description:
      'run_id, status, rows, genes, added, updated, staged, failed, failures, duration_ms',
  })
  data: SourceRunResult;
}

@ApiTags('datasources')
@RequireRole('admin')
@Controller('api/datasources')
export class EvidenceSourcesController {
  constructor(private readonly sources: EvidenceSourcesService) {}

  @Post(':name/update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run one evidence source now and report what it stored' })
  @ApiOkResponse({ type: SourceRunResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'No such runnable source' })
  async update(
    @Param() params: SourceParam,
    @Query() query: UpdateQuery,
  ): Promise<SourceRunResponse> {
    return { data: await this.sources.run(params.name, { forceRefresh: query.force_refresh }) };
  }
}
