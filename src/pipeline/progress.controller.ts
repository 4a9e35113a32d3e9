import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { RequireRole } from '../auth/decorators/access.decorator.js';
import { type AuthenticatedUser, CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { legacySummary } from './legacy-progress.js';
import {
  PipelineController,
  RunResponse,
  SourceParam,
  UpdateRequest,
  WaitQuery,
} from './pipeline.controller.js';
import { PipelineService } from './pipeline.service.js';
import { hasEnded, RunWaiter } from './run-waiter.service.js';

class ProgressResponse {
  @ApiProperty({ type: Object }) data: unknown;
}

class PauseResponse {
  @ApiProperty({ enum: ['paused', 'not_running'] }) status: 'paused' | 'not_running';
  @ApiProperty({ type: Object, nullable: true, description: 'The paused run; null when none' })
  data: unknown;
}

/** Per-source progress and control, and the data-source update routes. */
@ApiTags('progress')
@Controller()
export class ProgressController {
  constructor(
    private readonly pipeline: PipelineService,
    private readonly waiter: RunWaiter,
  ) {}

  @Get('api/progress/status')
  @RequireRole('curator')
  @ApiOperation({ summary: 'Every source: its active run and its latest outcome' })
  @ApiOkResponse({ type: ProgressResponse })
  async status(): Promise<ProgressResponse> {
    return { data: await this.pipeline.sourceStatus() };
  }

  @Get('api/progress/status/:source')
  @RequireRole('curator')
  @ApiOperation({ summary: 'One source: its active run and its latest outcome' })
  @ApiOkResponse({ type: ProgressResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async sourceStatus(@Param() params: SourceParam): Promise<ProgressResponse> {
    const name = this.pipeline.resolveSource(params.source).name;
    const all = await this.pipeline.sourceStatus();
    return { data: all.find((s) => s.source === name) };
  }

  @Get('api/progress/dashboard')
  @RequireRole('curator')
  @ApiOperation({ summary: 'Active runs, recent runs and per-source state in one answer' })
  @ApiOkResponse({ type: ProgressResponse })
  async dashboard(): Promise<ProgressResponse> {
    const [active, recent, sources] = await Promise.all([
      this.pipeline.active(),
      this.pipeline.list({ limit: 10, offset: 0 }),
      this.pipeline.sourceStatus(),
    ]);
    const counts: Record<string, number> = {};
    for (const s of sources) {
      const state =
        s.active_run_status ?? (s.last as { status?: string } | null)?.status ?? 'never run';
      counts[state as string] = (counts[state as string] ?? 0) + 1;
    }
    return {
      data: {
        // `summary` is what the original admin dashboard's card reads.
        summary: legacySummary(sources),
        active_runs: active,
        recent_runs: recent.runs,
        sources,
        source_states: counts,
      },
    };
  }

  @Post(['api/progress/trigger/:source', 'api/datasources/:source/update'])
  @RequireRole('admin')
  @ApiOperation({
    summary:
      'Run one source now: 202 with the queued run, or with ?wait=true 200 once it has ended (202 if still running after 5 minutes)',
  })
  @ApiOkResponse({ type: RunResponse })
  @ApiResponse({
    status: 409,
    type: ErrorEnvelope,
    description: 'Already running (details.run_id)',
  })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'Unknown source' })
  async trigger(
    @Param() params: SourceParam,
    @Query() query: WaitQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RunResponse> {
    const run = await PipelineController.startSource(
      this.pipeline,
      this.waiter,
      params.source,
      query,
      user,
    );
    // 200 once the run has ended; 202 while it is queued or still running.
    res.status(hasEnded(run) ? 200 : 202);
    return { data: run };
  }

  @Post('api/datasources/update-all')
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Full update of every source (same as the pipeline update)' })
  @ApiOkResponse({ type: RunResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope })
  async updateAll(
    @Query() query: WaitQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RunResponse> {
    const body: UpdateRequest = { force: query.force_refresh };
    return { data: await this.pipeline.start({ kind: 'update', ...body }, user) };
  }

  @Post('api/progress/pause/:source')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({
    summary:
      'Pause the active run holding this source; 200 with `status: not_running` and `data: null` when none holds it',
  })
  @ApiOkResponse({ type: PauseResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'Unknown source' })
  async pause(@Param() params: SourceParam): Promise<PauseResponse> {
    // Pausing a source nothing runs leaves it as asked (not running): the original
    // clients' "pause all" pauses every tile, idle ones included, and must not fail.
    const runId = await this.pipeline.activeRunIdFor(params.source);
    if (!runId) {
      return { status: 'not_running', data: null };
    }
    return { status: 'paused', data: await this.pipeline.pause(runId) };
  }

  @Post('api/progress/resume/:source')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Resume the paused run holding this source' })
  @ApiOkResponse({ type: RunResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async resume(@Param() params: SourceParam): Promise<RunResponse> {
    return { data: await this.pipeline.resume(await this.pipeline.activeRunFor(params.source)) };
  }

  @Post('api/progress/cancel/:source')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Cancel the active run holding this source' })
  @ApiOkResponse({ type: RunResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async cancel(@Param() params: SourceParam): Promise<RunResponse> {
    return { data: await this.pipeline.cancel(await this.pipeline.activeRunFor(params.source)) };
  }
}
