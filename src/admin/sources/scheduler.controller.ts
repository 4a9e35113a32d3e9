import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';

import { Public, RequireRole } from '../../auth/decorators/access.decorator.js';
import {
  type AuthenticatedUser,
  CurrentUser,
} from '../../auth/decorators/current-user.decorator.js';
import { ErrorEnvelope } from '../../common/filters/error-envelope.js';
import type { RunView } from '../../pipeline/pipeline.service.js';
import { SchedulerService } from './scheduler.service.js';

class ScheduledJobItem {
  @ApiProperty({ example: 'PubTator', description: 'The scheduled source' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) next_run: string | null;
  @ApiProperty({ example: 'cron[0 3 * * 1] (UTC)' }) trigger: string;
}

class SchedulerJobsResponse {
  @ApiProperty({ description: 'Always true: the job queue runs in every instance' })
  scheduler_running: boolean;
  @ApiProperty({ type: [ScheduledJobItem] }) jobs: ScheduledJobItem[];
  @ApiProperty() total_jobs: number;
}

class JobIdParam {
  @ApiProperty({ example: 'PubTator' })
  @Matches(/^[A-Za-z][A-Za-z0-9_]{0,49}$/)
  job_id: string;
}

class TriggeredResponse {
  @ApiProperty({ example: 'triggered' }) status: string;
  @ApiProperty() job_id: string;
  @ApiProperty() message: string;
  @ApiProperty({ type: Object, description: 'The run it started' }) data: RunView;
}

@ApiTags('pipeline')
@Controller('api/annotations/scheduler')
export class SchedulerController {
  constructor(private readonly scheduler: SchedulerService) {}

  @Get('jobs')
  @Public()
  @ApiOperation({ summary: 'The configured pipeline schedules, with their next run' })
  @ApiOkResponse({ type: SchedulerJobsResponse })
  jobs(): SchedulerJobsResponse {
    const jobs = this.scheduler.jobs();
    return { scheduler_running: true, jobs, total_jobs: jobs.length };
  }

  @Post('trigger/:job_id')
  @RequireRole('admin')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Start a scheduled job’s run now (also the original’s `daily_incremental` and `weekly_full`)',
  })
  @ApiOkResponse({ type: TriggeredResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'No such job' })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Its sources are held by a run' })
  async trigger(
    @Param() params: JobIdParam,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<TriggeredResponse> {
    const run = await this.scheduler.trigger(params.job_id, user);
    return {
      status: 'triggered',
      job_id: params.job_id,
      message: `Job ${params.job_id} started as run ${run.id}`,
      data: run,
    };
  }
}
