import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { runInBackground } from '../common/background.js';
import { AppConfig } from '../config/index.js';
import { AnnotationStoreService } from '../genes/annotations/annotation-store.service.js';
import { GenesService } from '../genes/genes.service.js';
import { ACTIVE_STATUSES } from './pipeline.repository.js';
import { PipelineService, type RunView } from './pipeline.service.js';
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
    private readonly annotations: AnnotationStoreService,
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
        await this.logSummary(run);
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

  /**
   * One line saying what the first start left behind: genes scored, annotated genes per
   * source (with no-data and failed genes when there are any) and how long the run took,
   * so an operator sees at a glance whether every source covered the snapshot.
   */
  private async logSummary(run: RunView): Promise<void> {
    const [{ genes, sources }, scored] = await Promise.all([
      this.annotations.stats(),
      this.annotations.scoredGeneCount(),
    ]);
    const per = (pick: (s: { rows: number; no_data: number; failed: number }) => number) =>
      Object.fromEntries(
        [...sources.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, s]) => [name, pick(s)] as const)
          .filter(([, n]) => n > 0),
      );
    const annotations = per((s) => s.rows - s.no_data);
    const noData = per((s) => s.no_data);
    const failed = per((s) => s.failed);
    const started = run.started_at ?? run.created_at;
    const elapsedMs =
      new Date(run.finished_at ?? Date.now()).getTime() - new Date(started).getTime();
    const brief = (counts: Record<string, number>) =>
      `{${Object.entries(counts)
        .map(([k, n]) => `${k}:${n}`)
        .join(', ')}}`;
    const extra = [
      Object.keys(noData).length > 0 ? `, no data ${brief(noData)}` : '',
      Object.keys(failed).length > 0 ? `, failed ${brief(failed)}` : '',
    ].join('');
    // A first start that did not complete is worth a warning; the summary says what it left.
    const level = run.status === 'completed' ? 'log' : 'warn';
    this.logger[level](
      {
        run_id: run.id,
        status: run.status,
        genes,
        genes_scored: scored,
        annotations,
        no_data: noData,
        failed,
        elapsed_ms: elapsedMs,
      },
      `first-start ingestion ${run.status} in ${(elapsedMs / 1000).toFixed(1)} s: ${scored} of ${genes} genes scored, annotations ${brief(annotations)}${extra}`,
    );
  }

  onApplicationShutdown(): void {
    this.stopping = true;
  }
}
