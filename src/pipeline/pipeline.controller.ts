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
import { repeatedKey, toBoolean } from '../common/dto/query-transforms.js';
import { ValidationFailedError } from '../common/errors/domain.error.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { SOURCE_NAME } from '../genes/genes.module.js';
import { AnnotationOverviewService } from '../sources/annotations/annotation-overview.service.js';
import { PipelineService, type RunView } from './pipeline.service.js';
import { RunTargets } from './run-targets.service.js';
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

const STRATEGIES = ['incremental', 'full', 'forced', 'selective'] as const;
type Strategy = (typeof STRATEGIES)[number];

/** The original Annotations page sends its update as a query string, never a body. */
export class UpdateQuery {
  @ApiPropertyOptional({
    enum: STRATEGIES,
    description:
      'The original clients’ annotation update: `incremental` annotates the genes each annotation source lacks; `full` re-annotates every gene; `forced` is full without cached responses; `selective` is full for `sources` only. Without it the body decides (a full update of every source).',
  })
  @IsOptional()
  @IsIn(STRATEGIES)
  strategy?: Strategy;

  @ApiPropertyOptional({
    type: [String],
    description: 'Annotation sources (repeated key); required for `selective`',
  })
  @IsOptional()
  @Transform(repeatedKey)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(SOURCE_NAME, { each: true })
  sources?: string[];

  @ApiPropertyOptional({ type: Boolean, description: 'Download again (as `force` in the body)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  force?: boolean;
}

export class UpdateNewQuery {
  @ApiPropertyOptional({
    description:
      'Sent by the original Annotations page and ignored, as the original did: new genes are those added since the last full update',
  })
  @IsOptional()
  @Matches(/^\d{1,4}$/)
  days_back?: string;
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

/** A started run, with what the original Annotations page reads beside it. */
export class StartedRunResponse extends RunResponse {
  @ApiProperty({ format: 'uuid', description: 'The run id (the original’s task id)' })
  task_id: string;
  @ApiProperty({ example: 'queued' }) status: string;
  @ApiProperty() message: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'Genes the run covers: those named, added since the last full update, lacking or failed by its sources; null for a run over all genes',
  })
  count: number | null;
}

const started = (run: RunView, count: number | null, what: string): StartedRunResponse => ({
  data: run,
  task_id: run.id,
  status: run.status,
  message: `${what} ${run.status}${count === null ? '' : ` for ${count} genes`}`,
  count,
});

class RunListResponse {
  @ApiProperty({ type: [Object] }) data: RunView[];
  @ApiProperty({ type: Object }) meta: Record<string, unknown>;
}

class StatusResponse {
  @ApiProperty({ type: Object, description: 'active_runs[], sources[] (latest outcome each)' })
  data: Record<string, unknown>;
  @ApiProperty({ description: 'No run is active (the original Annotations page reads it)' })
  pipeline_ready: boolean;
  @ApiProperty({ type: [String], description: 'Annotation sources due (or never run)' })
  updates_due: string[];
  @ApiProperty({
    type: [Object],
    description:
      'Per annotation source, the original’s fields: source, display_name, is_active, last_update, next_update, update_due, update_frequency, annotation_count',
  })
  sources: Record<string, unknown>[];
}

@ApiTags('pipeline')
@Controller('api/annotations/pipeline')
export class PipelineController {
  constructor(
    private readonly pipeline: PipelineService,
    private readonly waiter: RunWaiter,
    private readonly targets: RunTargets,
    private readonly overview: AnnotationOverviewService,
  ) {}

  @Post('update')
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Full update: evidence sources, scores, annotation sources (HGNC first), scores',
  })
  @ApiAcceptedResponse({ type: StartedRunResponse })
  @ApiResponse({
    status: 409,
    type: ErrorEnvelope,
    description: 'A source is held by an active run (details.run_id)',
  })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'Unknown source' })
  async update(
    @Body() body: UpdateRequest,
    @Query() query: UpdateQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StartedRunResponse> {
    if (query.strategy === undefined) {
      const run = await this.pipeline.start({ kind: 'update', ...body }, user);
      return started(run, run.gene_ids?.length ?? null, 'Update');
    }
    if (query.strategy === 'selective' && !query.sources) {
      throw new ValidationFailedError([
        { field: 'sources', messages: ['the selective strategy needs sources'] },
      ]);
    }
    const sources = this.pipeline.annotationSourceNames(query.sources);
    if (query.strategy === 'incremental') {
      const count = await this.targets.count('missing', sources);
      const run = await this.pipeline.start(
        { kind: 'update-missing', sources, force: query.force },
        user,
      );
      return started(run, count, 'Incremental annotation update');
    }
    const run = await this.pipeline.start(
      { kind: 'update', sources, force: query.force === true || query.strategy === 'forced' },
      user,
    );
    return started(run, null, `The ${query.strategy} annotation update`);
  }

  @Post('update-missing/:source')
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Annotate the genes that have no annotation from this source' })
  @ApiAcceptedResponse({ type: StartedRunResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async updateMissing(
    @Param() params: SourceParam,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StartedRunResponse> {
    const sources = this.pipeline.annotationSourceNames([params.source]);
    const count = await this.targets.count('missing', sources);
    const run = await this.pipeline.start({ kind: 'update-missing', sources }, user);
    return started(run, count, `Missing ${sources[0]} annotations`);
  }

  @Post('update-failed')
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Retry exactly the genes annotation sources failed on' })
  @ApiAcceptedResponse({ type: StartedRunResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope })
  async updateFailed(
    @Body() body: UpdateRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StartedRunResponse> {
    const sources = this.pipeline.annotationSourceNames(body.sources);
    const count = await this.targets.count('failed', sources);
    const run = await this.pipeline.start({ kind: 'update-failed', sources }, user);
    return started(run, count, 'Retry of failed annotations');
  }

  @Post('update-new')
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Annotate genes added since the last completed full update' })
  @ApiAcceptedResponse({ type: StartedRunResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope })
  async updateNew(
    @Body() body: UpdateRequest,
    @Query() _query: UpdateNewQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StartedRunResponse> {
    const run = await this.pipeline.start(
      { kind: 'update-new', sources: this.pipeline.annotationSourceNames(body.sources) },
      user,
    );
    return started(run, run.gene_ids?.length ?? null, 'Annotation of new genes');
  }

  @Get('status')
  @RequireRole('curator')
  @ApiOperation({ summary: 'Active runs and the latest outcome per source' })
  @ApiOkResponse({ type: StatusResponse })
  async status(): Promise<StatusResponse> {
    const [active, sources, annotation] = await Promise.all([
      this.pipeline.active(),
      this.pipeline.sourceStatus(),
      this.overview.list(),
    ]);
    // Beside ours, what the original Annotations page reads, per annotation source.
    const now = Date.now();
    const legacy = annotation.map((s) => ({
      source: s.name,
      display_name: s.display_name,
      is_active: s.is_active,
      last_update: s.last_update,
      next_update: s.next_update,
      update_due: s.next_update === null || Date.parse(s.next_update) <= now,
      update_frequency: s.update_frequency,
      annotation_count: s.genes_annotated + s.no_data,
    }));
    return {
      data: { active_runs: active, sources },
      pipeline_ready: active.length === 0,
      updates_due: legacy.filter((s) => s.update_due).map((s) => s.source),
      sources: legacy,
    };
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
