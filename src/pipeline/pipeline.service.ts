import { randomUUID } from 'node:crypto';

import {
  HttpStatus,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import type { AuthenticatedUser } from '../auth/decorators/current-user.decorator.js';
import { runInBackground } from '../common/background.js';
import {
  ConflictError,
  DomainError,
  NotFoundError,
  ValidationFailedError,
} from '../common/errors/index.js';
import { AppConfig } from '../config/index.js';
import { annotationSourceName } from '../genes/genes.module.js';
import { legacyItem, type LegacyProgressItem, type SourceState } from './legacy-progress.js';
import {
  ACTIVE_STATUSES,
  PipelineRepository,
  type RunKind,
  type RunRow,
  type RunSourceKind,
  type RunSourceRow,
  type RunStatus,
  SourceBusyError,
} from './pipeline.repository.js';
import { PipelineEvents } from './pipeline-events.service.js';
import { PipelineExecutor } from './pipeline-executor.service.js';
import { PipelineQueue } from './pipeline-queue.service.js';

class UnknownSourceError extends DomainError {
  readonly code = 'SOURCE_NOT_FOUND';
  readonly status = HttpStatus.NOT_FOUND;
}

class InvalidTransitionError extends DomainError {
  readonly code = 'INVALID_STATE';
  readonly status = HttpStatus.CONFLICT;
}

export interface RunRequest {
  kind: RunKind;
  sources?: string[];
  genes?: string[];
  force?: boolean;
}

export interface RunView extends Omit<RunRow, 'lease_owner' | 'lease_expires_at' | 'checkpoint'> {
  held_by: string | null;
  source_runs: Omit<RunSourceRow, 'run_id'>[];
}

/**
 * Starts, lists and controls pipeline runs. A run holds each of its sources exclusively
 * (a second request answers 409 with the active run id), is handed to the job queue, and
 * is worked on by whichever instance takes it. A sweep takes up runs whose worker died.
 */
@Injectable()
export class PipelineService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PipelineService.name);
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    private readonly repository: PipelineRepository,
    private readonly queue: PipelineQueue,
    private readonly executor: PipelineExecutor,
    private readonly events: PipelineEvents,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.start(
      (runId) => this.executor.execute(runId),
      (source) => this.scheduled(source),
      this.config.pipeline.schedules,
    );
    // Pause and cancel reach the instance executing the run through its heartbeat, and
    // at once when the request lands on that instance.
    this.events.subscribe((event) => {
      if (event.type !== 'status') {
        return;
      }
      if (event.status === 'paused') {
        this.executor.requestStop(event.run_id, 'pause');
      }
      if (event.status === 'cancelling') {
        this.executor.requestStop(event.run_id, 'cancel');
      }
    });
    const every = Math.max(1000, (this.config.pipeline.leaseSeconds * 1000) / 2);
    this.sweepTimer = setInterval(() => void this.sweep(), every);
    this.sweepTimer.unref();
    await this.sweep();
  }

  onApplicationShutdown(): void {
    if (this.sweepTimer) {
      clearInterval(this.sweepTimer);
    }
  }

  /** Every source a run can name: evidence sources, then annotation sources. */
  knownSources(): { name: string; kind: 'evidence' | 'annotation' }[] {
    return [
      ...this.executor.evidenceSources().map((name) => ({ name, kind: 'evidence' as const })),
      ...this.executor.annotationSources().map((name) => ({ name, kind: 'annotation' as const })),
    ];
  }

  /**
   * The annotation sources `names` mean, in our names or the original clients' keys (`hpo`
   * is hpo_phenotypes, not the HPO evidence source), in any case; every annotation source
   * without names. A name of no annotation source is a 400 listing them.
   */
  annotationSourceNames(names: readonly string[] | undefined): string[] {
    const annotation = this.knownSources()
      .filter((s) => s.kind === 'annotation')
      .map((s) => s.name);
    if (names === undefined) {
      return annotation;
    }
    const mapped = names.map((n) => annotationSourceName(n.toLowerCase()));
    const unknown = mapped.filter((s) => !annotation.includes(s));
    if (unknown.length > 0) {
      throw new ValidationFailedError([
        {
          field: 'sources',
          messages: [
            `not annotation sources: ${unknown.join(', ')}; annotation sources: ${annotation.join(', ')}`,
          ],
        },
      ]);
    }
    return [...new Set(mapped)];
  }

  resolveSource(name: string): { name: string; kind: 'evidence' | 'annotation' } {
    const found = this.knownSources().find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (!found) {
      throw new UnknownSourceError(
        `No source ${name}; available: ${this.knownSources()
          .map((s) => s.name)
          .join(', ')}`,
      );
    }
    return found;
  }

  async start(request: RunRequest, user: AuthenticatedUser | null): Promise<RunView> {
    const sources = this.sourcesFor(request);
    let geneIds: number[] | null = null;
    if (request.genes && request.genes.length > 0) {
      const { ids, unknown } = await this.repository.geneIds(request.genes);
      if (unknown.length > 0) {
        throw new ValidationFailedError([
          { field: 'genes', messages: [`unknown genes: ${unknown.slice(0, 20).join(', ')}`] },
        ]);
      }
      geneIds = ids;
    }
    if (request.kind === 'update-new') {
      // Anchored where the last full update's annotation stage began, even if that run
      // failed somewhere: genes created later may have been missed by it.
      const since = await this.repository.lastAnnotationPassStart();
      geneIds = await this.repository.genesCreatedSince(since);
      if (geneIds.length === 0) {
        throw new InvalidTransitionError('No genes were added since the last full update', {
          since,
        });
      }
    }
    return this.launch(
      {
        kind: request.kind,
        sources,
        geneIds,
        options: {
          force: request.force === true,
          scope:
            request.kind === 'update-missing'
              ? 'missing'
              : request.kind === 'update-failed'
                ? 'failed'
                : 'all',
        },
      },
      user,
    );
  }

  /**
   * Queues the first start's ingestion of the offline snapshot as an ordinary run: every
   * evidence source, then the upload sources' snapshot files, then every annotation
   * source. Durable like any run: an interrupted one is taken up again at the next start.
   */
  startInitial(): Promise<RunView> {
    return this.launch(
      {
        kind: 'initial',
        sources: [
          ...this.executor.evidenceSources().map((name) => ({ name, kind: 'evidence' as const })),
          ...this.executor.uploadSources().map((name) => ({ name, kind: 'upload' as const })),
          ...this.executor
            .annotationSources()
            .map((name) => ({ name, kind: 'annotation' as const })),
        ],
        geneIds: null,
        options: { force: false, scope: 'all' },
      },
      null,
      'first start',
    );
  }

  /** The first-start runs, newest first. */
  initialRuns(): Promise<{ id: string; status: RunStatus }[]> {
    return this.repository.initialRuns();
  }

  private async launch(
    run: {
      kind: RunKind;
      sources: { name: string; kind: RunSourceKind }[];
      geneIds: number[] | null;
      options: Record<string, unknown>;
    },
    user: AuthenticatedUser | null,
    requester = 'scheduler',
  ): Promise<RunView> {
    const id = randomUUID();
    let created: RunRow;
    try {
      created = await this.repository.create({
        id,
        ...run,
        requestedBy: { id: user?.id ?? null, name: user?.username ?? requester },
      });
    } catch (error) {
      if (error instanceof SourceBusyError) {
        throw new ConflictError(
          `A run is already active for ${error.busy.map((b) => b.source).join(', ')}`,
          {
            run_id: error.busy[0]?.run_id,
            busy: error.busy,
          },
        );
      }
      throw error;
    }
    this.logger.log(
      { run_id: id, kind: run.kind, sources: created.sources },
      'pipeline run queued',
    );
    this.events.publish({ type: 'status', run_id: id, seq: 0, status: 'queued', stage: null });
    await this.queue.enqueue(id, 0);
    // The queued job is what makes the run durable; this instance starts it at once
    // rather than on the queue's next poll (the lease keeps it to one worker).
    // Answered as queued: the view is read before this instance takes the run up.
    const view = await this.view(id);
    runInBackground(this.logger, `pipeline run ${id}`, () => this.executor.execute(id));
    return view;
  }

  private sourcesFor(request: RunRequest): { name: string; kind: 'evidence' | 'annotation' }[] {
    const named = request.sources?.map((s) => this.resolveSource(s));
    const annotationOnly = ['update-missing', 'update-failed', 'update-new'].includes(request.kind);
    const sources =
      named ?? this.knownSources().filter((s) => !annotationOnly || s.kind === 'annotation');
    if (annotationOnly && sources.some((s) => s.kind !== 'annotation')) {
      throw new ValidationFailedError([
        { field: 'sources', messages: [`${request.kind} applies to annotation sources only`] },
      ]);
    }
    if (sources.length === 0) {
      throw new ValidationFailedError([{ field: 'sources', messages: ['no sources to run'] }]);
    }
    return [...new Map(sources.map((s) => [s.name, s])).values()];
  }

  async get(id: string): Promise<RunView> {
    return this.view(id);
  }

  async list(filter: Parameters<PipelineRepository['list']>[0]) {
    const { rows, total } = await this.repository.list(filter);
    const sources = await this.repository.sourcesOf(rows.map((r) => r.id));
    return {
      runs: rows.map((r) =>
        this.present(
          r,
          sources.filter((s) => s.run_id === r.id),
        ),
      ),
      total,
    };
  }

  async active(): Promise<RunView[]> {
    const rows = await this.repository.active();
    const sources = await this.repository.sourcesOf(rows.map((r) => r.id));
    return rows.map((r) =>
      this.present(
        r,
        sources.filter((s) => s.run_id === r.id),
      ),
    );
  }

  /** The latest outcome per source across runs, and the run holding it now. */
  /**
   * Replaces the cron schedules (source → cron) at runtime, in the shared queue and in
   * this instance's workers; every instance calls it with the same value.
   */
  reschedule(schedules: Readonly<Record<string, string>>): Promise<void> {
    return this.queue.applySchedules(schedules);
  }

  /** Source → latest start or finish of one of its runs (sources that ran). */
  async lastActivity(sources: readonly string[]): Promise<Record<string, Date>> {
    const rows = await this.repository.lastActivity(sources);
    return Object.fromEntries(rows.map((r) => [r.source, r.at]));
  }

  /** Runs not finished and job-queue jobs waiting or active, across every instance. */
  queueDepth(): Promise<{ runs: Record<string, number>; jobs: Record<string, number> }> {
    return this.repository.queueDepth();
  }

  /** Runs per status across every instance, with durations, for metrics. */
  runStats(): Promise<{ status: string; runs: number; seconds: number; max_seconds: number }[]> {
    return this.repository.runStats();
  }

  async sourceStatus(): Promise<(LegacyProgressItem & Record<string, unknown>)[]> {
    const latest = new Map((await this.repository.latestPerSource()).map((s) => [s.source, s]));
    const active = await this.active();
    return this.knownSources().map(({ name, kind }) => {
      const holder = active.find((r) => r.sources.includes(name));
      const last = latest.get(name);
      const state: SourceState = {
        source: name,
        kind,
        active_run_status: holder?.status ?? null,
        last: last ?? null,
      };
      return {
        // The original clients' fields first (additive; docs/api.md, compatibility).
        ...legacyItem(state),
        source: name,
        kind,
        active_run_id: holder?.id ?? null,
        active_run_status: holder?.status ?? null,
        last: last
          ? {
              run_id: last.run_id,
              status: last.status,
              phase: last.phase,
              processed: last.processed,
              total: last.total,
              added: last.added,
              updated: last.updated,
              failed: last.failed,
              error: last.error,
              started_at: last.started_at,
              finished_at: last.finished_at,
            }
          : null,
      };
    });
  }

  async pause(id: string): Promise<RunView> {
    const run = await this.repository.transition(id, ['queued', 'running'], 'paused');
    if (!run) {
      await this.refuse(id, 'paused');
    }
    this.events.publish({
      type: 'status',
      run_id: id,
      seq: 0,
      status: 'paused',
      stage: run!.stage,
    });
    this.logger.log({ run_id: id }, 'pipeline run pause requested');
    return this.view(id);
  }

  async resume(id: string): Promise<RunView> {
    const run = await this.repository.transition(id, ['paused'], 'queued');
    if (!run) {
      await this.refuse(id, 'resumed');
    }
    await this.repository.reopenPausedSources(id);
    this.events.publish({
      type: 'status',
      run_id: id,
      seq: 0,
      status: 'queued',
      stage: run!.stage,
    });
    await this.queue.enqueue(id, run!.attempts);
    const view = await this.view(id);
    runInBackground(this.logger, `pipeline run ${id}`, () => this.executor.execute(id));
    this.logger.log({ run_id: id }, 'pipeline run resumed');
    return view;
  }

  async cancel(id: string): Promise<RunView> {
    // A run nobody is working on ends at once; a running one stops at its next safe point.
    const idle = await this.repository.transition(id, ['queued', 'paused'], 'cancelled', {
      finished: true,
      error: 'cancelled on request',
    });
    if (idle) {
      await this.repository.cancelOpenSources(id);
      await this.repository.releaseLocks(id);
      this.events.publish({
        type: 'completed',
        run_id: id,
        seq: 0,
        status: 'cancelled',
        summary: {},
      });
    } else {
      const running = await this.repository.transition(id, ['running'], 'cancelling');
      if (!running) {
        await this.refuse(id, 'cancelled');
      }
      this.events.publish({
        type: 'status',
        run_id: id,
        seq: 0,
        status: 'cancelling',
        stage: running!.stage,
      });
    }
    this.logger.log({ run_id: id }, 'pipeline run cancel requested');
    return this.view(id);
  }

  /** The active run holding `source`; 404 when none. */
  async activeRunFor(source: string): Promise<string> {
    const id = await this.activeRunIdFor(source);
    if (!id) {
      throw new NotFoundError(`No active run for ${this.resolveSource(source).name}`);
    }
    return id;
  }

  /** The active run holding a known source, or null; unknown sources are 404. */
  async activeRunIdFor(source: string): Promise<string | null> {
    const run = await this.repository.activeFor(this.resolveSource(source).name);
    return run?.id ?? null;
  }

  private async refuse(id: string, verb: string): Promise<never> {
    const run = await this.repository.get(id);
    if (!run) {
      throw new NotFoundError(`No pipeline run ${id}`);
    }
    throw new InvalidTransitionError(`Run ${id} is ${run.status} and cannot be ${verb}`, {
      status: run.status,
    });
  }

  private async view(id: string): Promise<RunView> {
    const run = await this.repository.get(id);
    if (!run) {
      throw new NotFoundError(`No pipeline run ${id}`);
    }
    return this.present(run, await this.repository.sources(id));
  }

  private present(run: RunRow, sources: RunSourceRow[]): RunView {
    const { lease_owner, lease_expires_at: _expires, checkpoint: _checkpoint, ...rest } = run;
    return {
      ...rest,
      held_by: ACTIVE_STATUSES.includes(run.status) ? lease_owner : null,
      source_runs: sources.map(({ run_id: _run, ...s }) => s),
    };
  }

  private async scheduled(source: string): Promise<void> {
    try {
      const run = await this.start({ kind: 'source', sources: [source] }, null);
      this.logger.log({ run_id: run.id, source }, 'scheduled run queued');
    } catch (error) {
      this.logger.warn({ err: error, source }, 'scheduled run not started');
    }
  }

  /** Takes up runs whose worker died (lease lapsed) or whose job went missing. */
  async sweep(): Promise<void> {
    try {
      const lease = this.config.pipeline.leaseSeconds;
      for (const run of await this.repository.orphaned(lease)) {
        this.logger.warn({ run_id: run.id, status: run.status }, 'taking up an orphaned run');
        await this.queue.enqueue(run.id, run.attempts);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'orphaned run sweep failed');
    }
  }
}
