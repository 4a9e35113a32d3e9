import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

import { Public, RequireRole } from '../../auth/decorators/access.decorator.js';
import { ErrorEnvelope } from '../../common/filters/error-envelope.js';
import { SourceRunner } from '../runner/source-runner.service.js';
import { AnnotationOverviewService } from './annotation-overview.service.js';
import {
  AnnotationRunResponse,
  AnnotationSourceParam,
  AnnotationSourcesQuery,
  AnnotationSourceStatus,
  AnnotationUpdateQuery,
} from './dto/annotation-sources.dto.js';

@ApiTags('annotations')
@Controller('api/annotations/sources')
export class AnnotationSourcesController {
  constructor(
    private readonly overview: AnnotationOverviewService,
    private readonly runner: SourceRunner,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Annotation sources with version, last and next update, and gene coverage',
  })
  @ApiOkResponse({
    type: [AnnotationSourceStatus],
    description:
      'A bare array, as the original clients (Annotations page, MCP provenance) read it; `active_only` is accepted and changes nothing, since every declared source is active',
  })
  async list(@Query() _query: AnnotationSourcesQuery): Promise<AnnotationSourceStatus[]> {
    return this.overview.list();
  }

  @Post(':name/update')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run one annotation source now and report what it stored' })
  @ApiOkResponse({ type: AnnotationRunResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'No such annotation source' })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'The source is already running' })
  async update(
    @Param() params: AnnotationSourceParam,
    @Query() query: AnnotationUpdateQuery,
  ): Promise<AnnotationRunResponse> {
    return {
      data: await this.runner.runAnnotation(params.name, {
        scope: query.scope,
        force: query.force,
      }),
    };
  }
}
