import { Injectable } from '@nestjs/common';
import cronParser from 'cron-parser';

import type { AuthenticatedUser } from '../../auth/decorators/current-user.decorator.js';
import { NotFoundError } from '../../common/errors/index.js';
import { AppConfig } from '../../config/index.js';
import { PipelineService, type RunView } from '../../pipeline/pipeline.service.js';
import { SettingsService } from '../settings/settings.service.js';

export interface ScheduledJob {
  id: string;
  name: string;
  next_run: string | null;
  trigger: string;
}

/**
 * The configured schedules (source → cron) as the original Annotations page lists its
 * scheduler jobs, and a way to fire one now: the same pipeline run the schedule queues.
 */
@Injectable()
export class SchedulerService {
  constructor(
    private readonly pipeline: PipelineService,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  jobs(): ScheduledJob[] {
    return Object.entries(this.schedules()).map(([source, cron]) => ({
      id: source,
      name: `Scheduled update of ${source}`,
      next_run: nextRun(cron),
      trigger: `cron[${cron}] (UTC)`,
    }));
  }

  /**
   * Starts a job's run now. The original's two fixed jobs are taken too: `daily_incremental`
   * annotates what the annotation sources lack, `weekly_full` is a full update.
   */
  async trigger(id: string, user: AuthenticatedUser): Promise<RunView> {
    if (id === 'daily_incremental') {
      const sources = this.pipeline
        .knownSources()
        .filter((s) => s.kind === 'annotation')
        .map((s) => s.name);
      return this.pipeline.start({ kind: 'update-missing', sources }, user);
    }
    if (id === 'weekly_full') {
      return this.pipeline.start({ kind: 'update' }, user);
    }
    const source = Object.keys(this.schedules()).find((s) => s.toLowerCase() === id.toLowerCase());
    if (!source) {
      throw new NotFoundError(`No scheduler job ${id}`);
    }
    return this.pipeline.start({ kind: 'source', sources: [source] }, user);
  }

  /** The schedules in effect (setting `pipeline.schedules`, else PIPELINE_SCHEDULES). */
  private schedules(): Readonly<Record<string, string>> {
    return (
      this.settings.value<Record<string, string> | undefined>('pipeline.schedules') ??
      this.config.pipeline.schedules
    );
  }
}

function nextRun(cron: string): string | null {
  try {
    return cronParser.parseExpression(cron, { tz: 'UTC' }).next().toDate().toISOString();
  } catch {
    return null;
  }
}
