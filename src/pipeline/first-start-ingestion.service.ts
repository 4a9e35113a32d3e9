import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { runInBackground } from '../common/background.js';
import { AppConfig } from '../config/index.js';
import { GenesService } from '../genes/genes.service.js';
import { ACTIVE_STATUSES } from './pipeline.repository.js';
import { PipelineService } from './pipeline.service.js';
import { RunWaiter } from './run-waiter.service.js';

/**
 * In snapshot mode, ingests the offline snapshot on first start, so `npm start` serves
 * scored, annotated genes without a manual step. The ingestion is an ordinary pipeline run
 * (kind `initial`: every evidence source, the upload sources' snapshot files, every
 * annotation source), so it is visible, pausable and durable: a start interrupted at any
 * point is taken up again by the next start (the pipeline's sweep resumes it where it
 * stopped), and a first start that ended without completing is run again, until one
 * has completed. A database that already held evidence before first-start runs existed
 * is left as it is.
 */
@Injectable()
export class FirstStartIngestion implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FirstStartIngestion.name);
  /** Resolves when this start's first-start run (new or taken up) has ended. */
  done?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly genes: GenesService,
    private readonly pipeline: PipelineService,
    private readonly waiter: RunWaiter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.sources.ingestSnapshotOnStart) {
      return;
    }
    const runs = await this.pipeline.initialRuns();
    if (runs.some((r) => r.status === 'completed')) {
      return;
    }
    const active = runs.find((r) => ACTIVE_STATUSES.includes(r.status));
    let runId: string;
    if (active) {
      runId = active.id;
      this.logger.log({ run_id: runId }, 'first-start ingestion not finished: taken up again');
    } else {
      if (runs.length === 0 && (await this.genes.hasEvidence())) {
        return;
      }
      runId = (await this.pipeline.startInitial()).id;
      this.logger.log({ run_id: runId }, 'ingesting the offline snapshot as a pipeline run');
    }
    let finish: () => void = () => undefined;
    this.done = new Promise<void>((resolve) => (finish = resolve));
    runInBackground(this.logger, 'first-start ingestion', async () => {
      try {
        const run = await this.waiter.waitFor(runId, Number.POSITIVE_INFINITY);
        this.logger.log({ run_id: runId, status: run.status }, 'first-start ingestion ended');
      } catch (error) {
        // Shutting down mid-run: the run itself is durable and the next start takes it up.
        if (!this.stopping) {
          throw error;
        }
      } finally {
        finish();
      }
    });
  }

  onApplicationShutdown(): void {
    this.stopping = true;
  }
}
