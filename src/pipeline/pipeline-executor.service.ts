import { randomUUID } from 'node:crypto';

import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { CacheService } from '../cache/cache.service.js';
import { isDatabaseUnavailable } from '../common/errors/index.js';
import { mapLimit } from '../common/map-limit.js';
import { runWithContext } from '../common/request-context.js';
import { AppConfig } from '../config/index.js';
import { ScoreRefresher } from '../genes/scoring/score-refresher.service.js';
import { SourceRunner, type SourceRunResult } from '../sources/runner/source-runner.service.js';
import {
  type SourceProgress,
  SourceProgressBus,
  UPLOAD_SOURCES,
} from '../sources/sources.module.js';
import { UploadsService } from '../uploads/uploads.service.js';
import {
  PipelineRepository,
  type RunRow,
  type RunSourceRow,
  type RunStatus,
} from './pipeline.repository.js';
import { type PipelineEventInput, PipelineEvents } from './pipeline-events.service.js';

type StopReason = 'pause' | 'cancel' | 'shutdown' | 'lost';

interface Execution {
  run: RunRow;
  abort: AbortController;
  reason: StopReason | null;
  seq: number;
  /** Per source: when progress was last written, and its phase then. */
  lastProgress: Map<string, { at: number; phase: string }>;
  /**
   * Per source: the last progress write. Each waits for the one before, so writes land in
   * the order they were made (on separate pool connections a later one could commit
   * first and be overwritten by an older count), and the source's outcome waits for all.
   */
  progressWrites: Map<string, Promise<void>>;
  done: Promise<void>;
}

/** Errors kept per source in the run record (all are counted). */
const ERRORS_KEPT = 500;
/** Progress is written and published at most this often per source (phase changes always). */
const PROGRESS_EVERY_MS = 250;

class StopRequested extends Error {}

/**
 * Works on runs: takes a run's lease, walks its stages (evidence sources in parallel,
 * then scores, then annotation sources with HGNC first and the rest in parallel, each
 * bounded only by its upstream domain's limits, then scores and caches), heartbeats the
 * lease, and stops at the next safe point when the run is paused or cancelled. Each
 * source's outcome is recorded as it finishes, so a run taken up again (after a pause,
 * a restart or another instance's crash) continues with the sources not yet done.
 */
@Injectable()
export class PipelineExecutor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PipelineExecutor.name);
  readonly instanceId = randomUUID();
  private readonly executions = new Map<string, Execution>();
  /** Runs this instance is taking the lease of: claimed before the first await. */
  private readonly claiming = new Set<string>();
  private unsubscribe?: () => void;
  private shuttingDown = false;

  constructor(
    private readonly repository: PipelineRepository,
    private readonly events: PipelineEvents,
    private readonly runner: SourceRunner,
    private readonly uploads: UploadsService,
    private readonly scores: ScoreRefresher,
    private readonly cache: CacheService,
    private readonly progressBus: SourceProgressBus,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.progressBus.subscribe((p) => this.onProgress(p));
  }

  /** Runs executing in this process. */
  get running(): string[] {
    return [...this.executions.keys()];
  }

  annotationSources(): string[] {
    return this.runner.names('annotation');
  }

  evidenceSources(): string[] {
    return this.runner.names('evidence');
  }

  /** The upload sources, whose snapshot files a first-start run stores. */
  uploadSources(): string[] {
    return UPLOAD_SOURCES.map((d) => d.name);
  }

  /** Takes the run up if it is runnable and nobody else holds it; resolves when it stops. */
  async execute(runId: string): Promise<void> {
    // The lease lets this instance take its own run again (after a restart of the worker),
    // so two calls here at once (the start request's and the job queue's) must not both
    // reach it: the second would run every source a second time beside the first.
    if (this.shuttingDown || this.executions.has(runId) || this.claiming.has(runId)) {
      return;
    }
    this.claiming.add(runId);
    const lease = this.config.pipeline.leaseSeconds;
    let run: RunRow | null;
    try {
      run = await this.repository.acquire(runId, this.instanceId, lease);
    } finally {
      this.claiming.delete(runId);
    }
    if (!run) {
      return;
    }
    let resolveDone: () => void = () => undefined;
    const execution: Execution = {
      run,
      abort: new AbortController(),
      reason: null,
      seq: run.attempts * 1_000_000,
      lastProgress: new Map(),
      progressWrites: new Map(),
      done: new Promise<void>((resolve) => (resolveDone = resolve)),
    };
    this.executions.set(runId, execution);
    const heartbeat = setInterval(
      () => void this.heartbeat(execution),
      Math.max(500, (lease * 1000) / 3),
    );
    heartbeat.unref();
    try {
      await runWithContext({ runId }, () => this.work(execution));
    } finally {
      clearInterval(heartbeat);
      this.executions.delete(runId);
      resolveDone();
    }
  }

  private async work(execution: Execution): Promise<void> {
    const { run } = execution;
    if (run.attempts > this.config.pipeline.maxAttempts) {
      await this.finish(execution, 'failed', `given up after ${run.attempts - 1} attempts`);
      return;
    }
    this.logger.log(
      { run_id: run.id, kind: run.kind, attempt: run.attempts, sources: run.sources },
      run.attempts > 1 ? 'pipeline run resumed' : 'pipeline run started',
    );
    this.publish(execution, { type: 'status', status: 'running', stage: run.stage });
    try {
      await this.stages(execution);
    } catch (error) {
      if (execution.reason) {
        return this.stopped(execution);
      }
      if (isDatabaseUnavailable(error)) {
        // Nothing can be recorded now; the lease lapses and the run is taken up again.
        this.logger.error({ err: error, run_id: run.id }, 'pipeline run interrupted: database');
        return;
      }
      this.logger.error({ err: error, run_id: run.id }, 'pipeline run failed');
      await this.finish(
        execution,
        'failed',
        error instanceof Error ? error.message : String(error),
      );
      return;
    }
    if (execution.reason) {
      return this.stopped(execution);
    }
    const sources = await this.repository.sources(run.id);
    const failed = sources.filter((s) => s.status === 'failed').map((s) => s.source);
    await this.finish(
      execution,
      failed.length === 0 ? 'completed' : 'failed',
      failed.length === 0 ? null : `sources failed: ${failed.join(', ')}`,
      sources,
    );
  }

  private async stages(execution: Execution): Promise<void> {
    const { run } = execution;
    const pending = (await this.repository.sources(run.id)).filter(
      (s) => !['completed', 'completed_with_errors', 'failed'].includes(s.status),
    );
    const evidence = pending.filter((s) => s.kind === 'evidence');
    const annotation = pending.filter((s) => s.kind === 'annotation');
    const uploads = pending.filter((s) => s.kind === 'upload');
    if (evidence.length > 0 || uploads.length > 0) {
      await this.stage(execution, 'evidence');
      await this.runInOrder(execution, evidence);
      // Upload sources' snapshot files (a first-start run), after the sources that
      // create genes from HGNC ids, so their symbols find those genes.
      for (const s of uploads) {
        await this.runUpload(execution, s);
        this.checkStop(execution);
      }
      // Each evidence run marked the scores dirty once; annotations read them next.
      await this.stage(execution, 'scores');
      await this.scores.settled();
    }
    if (annotation.length > 0) {
      await this.stage(execution, 'annotations');
      await this.runInOrder(execution, annotation);
    }
    await this.stage(execution, 'finalize');
    await this.scores.settled();
    if (annotation.length > 0) {
      await this.cache.clearNamespace('annotations');
    }
  }

  /**
   * Runs `sources` in groups of equal declared run order, lowest first (HGNC before the
   * annotation sources that query by its identifiers; sources with HGNC ids before
   * symbol-only ones), each group in parallel, bounded by its upstream domains and by
   * sourceConcurrency.
   */
  private async runInOrder(execution: Execution, sources: RunSourceRow[]): Promise<void> {
    const groups = new Map<number, RunSourceRow[]>();
    for (const s of sources) {
      const rank = this.runner.source(s.source).declaration.runOrder;
      groups.set(rank, [...(groups.get(rank) ?? []), s]);
    }
    const limit = sourceConcurrency(this.config.database.poolSize);
    for (const rank of [...groups.keys()].sort((a, b) => a - b)) {
      await mapLimit(groups.get(rank)!, limit, (s) => this.runSource(execution, s));
      this.checkStop(execution);
    }
  }

  private async stage(execution: Execution, stage: string): Promise<void> {
    this.checkStop(execution);
    execution.run.stage = stage;
    await this.repository.update(execution.run.id, { stage });
    this.publish(execution, { type: 'status', status: 'running', stage });
  }

  private checkStop(execution: Execution): void {
    if (execution.reason) {
      throw new StopRequested(execution.reason);
    }
  }

  private async runUpload(execution: Execution, s: RunSourceRow): Promise<void> {
    await this.startSource(execution, s);
    try {
      const load = await this.uploads.loadSnapshot(s.source);
      await this.endSource(execution, s, {
        status: 'completed',
        added: load.added,
        updated: load.updated,
        result: { ...load },
      });
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        throw error;
      }
      await this.endSource(execution, s, {
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private async runSource(execution: Execution, s: RunSourceRow): Promise<void> {
    const { run } = execution;
    await this.startSource(execution, s);
    let result: SourceRunResult;
    try {
      result = await this.runner.run(s.source, {
        runId: run.id,
        force: run.options.force === true,
        signal: execution.abort.signal,
        scope: (run.options.scope as 'all' | 'missing' | 'failed' | undefined) ?? 'all',
        geneIds: run.gene_ids ?? undefined,
      });
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        throw error;
      }
      await this.endSource(execution, s, {
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    // An annotation source that failed on some genes says so, and how many.
    const partial =
      result.kind === 'annotation' && result.status === 'completed' && result.failed > 0
        ? `${result.failed} of ${result.genes_total} genes failed`
        : null;
    await this.endSource(execution, s, {
      status: partial === null ? result.status : 'completed_with_errors',
      ...(result.kind === 'evidence' ? { added: result.added } : {}),
      updated: result.updated,
      failed: result.failed,
      errors: result.failures.slice(0, ERRORS_KEPT),
      error: partial ?? result.error,
      result:
        result.kind === 'evidence'
          ? {
              rows: result.rows,
              genes: result.genes,
              staged: result.staged,
              created_genes: result.created_genes,
              normalization: result.normalization,
              duration_ms: result.duration_ms,
            }
          : {
              version: result.version,
              genes_total: result.genes_total,
              no_data: result.no_data,
              duration_ms: result.duration_ms,
            },
    });
  }

  private async startSource(execution: Execution, s: RunSourceRow): Promise<void> {
    await this.repository.updateSource(execution.run.id, s.source, {
      status: 'running',
      error: null,
      started: true,
    });
    this.publish(execution, {
      type: 'status',
      status: 'running',
      stage: execution.run.stage,
      source: s.source,
    });
  }

  private async endSource(
    execution: Execution,
    s: RunSourceRow,
    outcome: Partial<RunSourceRow> & { status: RunSourceRow['status'] },
  ): Promise<void> {
    // A source stopped for a pause is paused; one stopped for a shutdown waits for the
    // next worker. Either way it is taken up again where it stopped.
    const stoppedFor =
      outcome.status === 'cancelled' && execution.reason !== 'cancel' ? execution.reason : null;
    const status =
      stoppedFor === null ? outcome.status : stoppedFor === 'pause' ? 'paused' : 'pending';
    // Progress still being written lands first: the outcome is the last word.
    await execution.progressWrites.get(s.source);
    await this.repository.updateSource(execution.run.id, s.source, {
      ...outcome,
      status,
      phase: stoppedFor === null ? status : 'paused',
      finished: stoppedFor === null,
    });
    this.publish(execution, {
      type: 'status',
      status: 'running',
      stage: execution.run.stage,
      source: s.source,
    });
    this.logger.log(
      { run_id: execution.run.id, source: s.source, status, error: outcome.error ?? null },
      'pipeline source finished',
    );
  }

  private onProgress(progress: SourceProgress): void {
    const execution = progress.runId ? this.executions.get(progress.runId) : undefined;
    if (!execution) {
      return;
    }
    const now = Date.now();
    const last = execution.lastProgress.get(progress.source);
    if (last && last.phase === progress.phase && now - last.at < PROGRESS_EVERY_MS) {
      return;
    }
    execution.lastProgress.set(progress.source, { at: now, phase: progress.phase });
    const { processed, total, added, updated, failed } = progress;
    // A source stopped for a pause (or this instance's shutdown) is paused, not cancelled:
    // the run takes it up again.
    const phase =
      progress.phase === 'cancelled' && execution.reason !== null && execution.reason !== 'cancel'
        ? 'paused'
        : progress.phase;
    const counters = { phase, processed, total, added, updated, failed };
    this.publish(execution, {
      type: 'progress',
      source: progress.source,
      ...counters,
      current: progress.current,
      eta_ms: progress.etaMs,
    });
    const previous = execution.progressWrites.get(progress.source) ?? Promise.resolve();
    execution.progressWrites.set(
      progress.source,
      previous.then(() =>
        this.repository
          .updateSource(execution.run.id, progress.source, { ...counters, whileRunning: true })
          .catch((error: unknown) =>
            this.logger.warn({ err: error, run_id: execution.run.id }, 'progress not recorded'),
          ),
      ),
    );
  }

  private async heartbeat(execution: Execution): Promise<void> {
    let status: RunStatus | null;
    try {
      status = await this.repository.heartbeat(
        execution.run.id,
        this.instanceId,
        this.config.pipeline.leaseSeconds,
      );
    } catch (error) {
      this.logger.warn({ err: error, run_id: execution.run.id }, 'lease not renewed');
      return;
    }
    if (status === null) {
      this.stop(execution, 'lost');
    } else if (status === 'paused') {
      this.stop(execution, 'pause');
    } else if (status === 'cancelling') {
      this.stop(execution, 'cancel');
    }
  }

  /** Asks a run executing here to stop at its next safe point. */
  stop(execution: Execution, reason: StopReason): void {
    if (execution.reason) {
      return;
    }
    execution.reason = reason;
    execution.abort.abort();
  }

  /** Called when the run's status changed to paused or cancelling (by any instance). */
  requestStop(runId: string, reason: 'pause' | 'cancel'): void {
    const execution = this.executions.get(runId);
    if (execution) {
      this.stop(execution, reason);
    }
  }

  private async stopped(execution: Execution): Promise<void> {
    const { run } = execution;
    await this.repository.resetRunningSources(
      run.id,
      execution.reason === 'pause' ? 'paused' : 'pending',
    );
    switch (execution.reason) {
      case 'pause':
        await this.repository.update(run.id, { lease_owner: null });
        this.publish(execution, { type: 'status', status: 'paused', stage: run.stage });
        this.logger.log({ run_id: run.id, stage: run.stage }, 'pipeline run paused');
        return;
      case 'cancel':
        await this.finish(execution, 'cancelled', 'cancelled on request');
        return;
      case 'shutdown': {
        const back = await this.repository.transition(run.id, ['running'], 'queued');
        if (back) {
          await this.repository.update(run.id, { lease_owner: null });
        }
        this.logger.log({ run_id: run.id }, 'pipeline run handed back for another worker');
        return;
      }
      default:
        this.logger.warn({ run_id: run.id }, 'pipeline run lease lost; another worker has it');
    }
  }

  private async finish(
    execution: Execution,
    status: 'completed' | 'failed' | 'cancelled',
    error: string | null,
    sources?: RunSourceRow[],
  ): Promise<void> {
    const { run } = execution;
    if (status === 'cancelled') {
      await this.repository.cancelOpenSources(run.id);
    }
    const rows = sources ?? (await this.repository.sources(run.id));
    const summary = {
      sources: Object.fromEntries(
        rows.map((s) => [
          s.source,
          { status: s.status, added: s.added, updated: s.updated, failed: s.failed },
        ]),
      ),
      added: rows.reduce((n, s) => n + s.added, 0),
      updated: rows.reduce((n, s) => n + s.updated, 0),
      failed: rows.reduce((n, s) => n + s.failed, 0),
      attempts: run.attempts,
    };
    await this.repository.transition(
      run.id,
      ['running', 'cancelling', 'paused', 'queued'],
      status,
      {
        finished: true,
        ...(error ? { error } : {}),
      },
    );
    await this.repository.update(run.id, { summary, checkpoint: {}, stage: null });
    await this.repository.releaseLocks(run.id);
    this.publish(execution, { type: 'completed', status, summary });
    this.logger.log(
      { run_id: run.id, status, ...summary, sources: undefined },
      'pipeline run ended',
    );
  }

  private publish(
    execution: Execution,
    event: DistributiveOmit<PipelineEventInput, 'run_id' | 'seq'>,
  ): void {
    execution.seq += 1;
    this.events.publish({
      ...event,
      run_id: execution.run.id,
      seq: execution.seq,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.unsubscribe?.();
    const executions = [...this.executions.values()];
    for (const e of executions) {
      this.stop(e, 'shutdown');
    }
    await Promise.race([
      Promise.all(executions.map((e) => e.done)),
      new Promise((resolve) => setTimeout(resolve, 5000).unref()),
    ]);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * How many sources of a group run at once on this instance: a running source holds one
 * pooled connection for its run lock (an advisory lock lives on its session) and takes
 * another for each chunk it writes, and requests need connections meanwhile. Eleven
 * sources at once on the default pool of ten held every connection and stalled the first
 * start; two connections per source, with two left for requests, cannot.
 */
export function sourceConcurrency(poolSize: number): number {
  return Math.max(1, Math.floor((poolSize - 2) / 2));
}
