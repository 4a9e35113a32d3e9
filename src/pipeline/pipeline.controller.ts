import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';

import { RequireRole } from '../auth/decorators/access.decorator.js';
import { type AuthenticatedUser, CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { OffsetPageQuery } from '../common/dto/offset-page.query.js';
import { toBoolean } from '../common/dto/query-transforms.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { SOURCE_NAME } from '../genes/genes.module.js';
import { PipelineService, type RunView } from './pipeline.service.js';
import { RunWaiter } from './run-waiter.service.js';

export class UpdateRequest {
  @ApiPropertyOptional({
    type: [String],
    example: ['ClinGen', 'HGNC'],
    description: 'Default: every source',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(SOURCE_NAME, { each: true })
  sources?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['PKD1', 'HGNC:9009'],
    description: 'Limit the annotation stage to these genes (symbols or HGNC ids)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  genes?: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Download again instead of using cached responses',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class SourceParam {
  @ApiProperty({ example: 'ClinGen' })
  @Matches(SOURCE_NAME)
  source: string;
}

export class RunIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class WaitQuery {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      'Answer when the run has ended (200) instead of when it is queued (202); after 5 minutes, 202 with the run as it is',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  wait: boolean = false;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Download again instead of using cached responses',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  force_refresh: boolean = false;
}

class RunsQuery extends OffsetPageQuery {
  @ApiPropertyOptional({
    enum: ['queued', 'running', 'paused', 'cancelling', 'cancelled', 'completed', 'failed'],
  })
  @IsOptional()
  @IsIn(['queued', 'running', 'paused', 'cancelling', 'cancelled', 'completed', 'failed'])
  status?: 'queued' | 'running' | 'paused' | 'cancelling' | 'cancelled' | 'completed' | 'failed';
}

export class RunResponse {
  @ApiProperty({
    type: Object,
    description:
      'id, kind, status, sources, gene_ids, stage, summary, error, attempts, held_by, requested_by_name, created_at, started_at, finished_at, source_runs[] (source, kind, status, phase, processed, total, added, updated, failed, errors, result, error)',
  })
  data: RunView;
}

class RunListResponse {
  @ApiProperty({ type: [Object] }) data: RunView[];
  @ApiProperty({ type: Object }) meta: Record<string, unknown>;
}

class StatusResponse {
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
}

@ApiTags('pipeline')
@Controller('api/annotations/pipeline')
export class PipelineController {
  constructor(
    private readonly pipeline: PipelineService,
    private readonly waiter: RunWaiter,
  ) {}

  @Post('update')
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Full update: evidence sources, scores, annotation sources (HGNC first), scores',
  })
  @ApiAcceptedResponse({ type: RunResponse })
  @ApiResponse({
    status: 409,
    type: ErrorEnvelope,
    description: 'A source is held by an active run (details.run_id)',
  })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'Unknown source' })
  async update(
    @Body() body: UpdateRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RunResponse> {
    return { data: await this.pipeline.start({ kind: 'update', ...body }, user) };
  }

  @Post('update-missing/:source')
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Annotate the genes that have no annotation from this source' })
  @ApiAcceptedResponse({ type: RunResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async updateMissing(
    @Param() params: SourceParam,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RunResponse> {
    return {
      data: await this.pipeline.start({ kind: 'update-missing', sources: [params.source] }, user),
    };
  }

  @Post('update-failed')
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Retry exactly the genes annotation sources failed on' })
  @ApiAcceptedResponse({ type: RunResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope })
  async updateFailed(
    @Body() body: UpdateRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RunResponse> {
    return {
      data: await this.pipeline.start({ kind: 'update-failed', sources: body.sources }, user),
    };
  }

  @Post('update-new')
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Annotate genes added since the last completed full update' })
  @ApiAcceptedResponse({ type: RunResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope })
  async updateNew(
    @Body() body: UpdateRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RunResponse> {
    return { data: await this.pipeline.start({ kind: 'update-new', sources: body.sources }, user) };
  }

  @Get('status')
  @RequireRole('curator')
  @ApiOperation({ summary: 'Active runs and the latest outcome per source' })
  @ApiOkResponse({ type: StatusResponse })
  async status(): Promise<StatusResponse> {
    const [active, sources] = await Promise.all([
      this.pipeline.active(),
      this.pipeline.sourceStatus(),
    ]);
    return { data: { active_runs: active, sources } };
  }

  @Get('runs')
  @RequireRole('curator')
  @ApiOperation({ summary: 'Runs, newest first' })
  @ApiOkResponse({ type: RunListResponse })
  async runs(@Query() query: RunsQuery): Promise<RunListResponse> {
    const { runs, total } = await this.pipeline.list(query);
    return { data: runs, meta: { total, limit: query.limit, offset: query.offset } };
  }

  @Get('runs/:id')
  @RequireRole('curator')
  @ApiOperation({ summary: 'One run with its per-source progress and errors' })
  @ApiOkResponse({ type: RunResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async run(@Param() params: RunIdParam): Promise<RunResponse> {
    return { data: await this.pipeline.get(params.id) };
  }

  @Post('runs/:id/pause')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Stop at the next safe point, keeping what was done' })
  @ApiOkResponse({ type: RunResponse })
  @ApiResponse({
    status: 409,
    type: ErrorEnvelope,
    description: 'The run is not running or queued',
  })
  async pause(@Param() params: RunIdParam): Promise<RunResponse> {
    return { data: await this.pipeline.pause(params.id) };
  }

  @Post('runs/:id/resume')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Continue a paused run where it stopped' })
  @ApiOkResponse({ type: RunResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'The run is not paused' })
  async resume(@Param() params: RunIdParam): Promise<RunResponse> {
    return { data: await this.pipeline.resume(params.id) };
  }

  @Post('runs/:id/cancel')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Stop the run for good, recording what was done' })
  @ApiOkResponse({ type: RunResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'The run has already ended' })
  async cancel(@Param() params: RunIdParam): Promise<RunResponse> {
    return { data: await this.pipeline.cancel(params.id) };
  }

  /** Used by the datasource and progress routes: start one source, optionally wait. */
  static async startSource(
    pipeline: PipelineService,
    waiter: RunWaiter,
    source: string,
    query: WaitQuery,
    user: AuthenticatedUser,
  ): Promise<RunView> {
    const run = await pipeline.start(
      { kind: 'source', sources: [source], force: query.force_refresh },
      user,
    );
    return query.wait ? waiter.waitFor(run.id) : run;
  }
}
