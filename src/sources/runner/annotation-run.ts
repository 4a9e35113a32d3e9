import { Injectable, Logger } from '@nestjs/common';

import { mapLimit } from '../../common/map-limit.js';
import { AppConfig } from '../../config/index.js';
import {
  AnnotationStoreService,
  type StoredAnnotation,
} from '../../genes/annotations/annotation-store.service.js';
import {
  type AnnotationGene,
  type AnnotationOutcome,
  type AnnotationSource,
  failed,
  reasonOf,
} from '../annotations/annotation-source.js';
import { SourceCheckpoints } from '../base/source-checkpoints.repository.js';
import type { SourceRunContext } from '../base/upstream-source.js';
import { type SourceProgress, SourceProgressBus } from '../upstream/progress.bus.js';
import { MAX_REPORTED_FAILURES, type RunRequest } from './run-request.js';

export interface AnnotationRunResult {
  kind: 'annotation';
  run_id: string;
  source: string;
  status: 'completed' | 'failed' | 'cancelled';
  version: string | null;
  genes_total: number;
  updated: number;
  no_data: number;
  failed: number;
  failures: { gene_id: number; symbol: string; reason: string }[];
  error: string | null;
  duration_ms: number;
}

/**
 * One run of an annotation source over the genes in scope: chunk by chunk, the source
 * answers (bulk sources from one download, with a per-gene fallback for genes the bulk
 * pass missed), and each chunk is stored in one transaction: rows upserted with the
 * source version (a new version replaces the row), "no data" stored as such, failures
 * recorded with their reason for `scope: failed`. Progress goes to the bus; an aborted
 * signal stops the run before the next chunk, keeping what was stored.
 */
@Injectable()
export class AnnotationRun {
  private readonly logger = new Logger(AnnotationRun.name);

  constructor(
    private readonly store: AnnotationStoreService,
    private readonly progress: SourceProgressBus,
    private readonly config: AppConfig,
    private readonly checkpoints: SourceCheckpoints,
  ) {}

  async execute(source: AnnotationSource, request: RunRequest): Promise<AnnotationRunResult> {
    const { runId, signal } = request;
    const started = performance.now();
    const run = new RunState(source.name, runId, started, this.progress);
    const ctx: SourceRunContext = {
      runId,
      force: request.force,
      signal,
      progress: (update) => run.emit('fetching', { current: update.current ?? null }),
    };
    const key = `annotation:${source.name}`;
    // A run taken up again (after a pause, a restart or a crash) continues after the
    // genes it stored, with its counters; any other run starts from the first gene.
    const saved = await this.checkpoints.get<AnnotationCheckpoint>(key);
    let resume = saved?.run_id === runId ? saved : null;
    if (resume) {
      run.restore(resume);
    }
    this.logger.log(
      {
        source: source.name,
        run_id: runId,
        ...(resume ? { resumed_after: resume.processed } : {}),
      },
      resume ? 'annotation run resumed' : 'annotation run started',
    );
    run.emit('fetching', { current: 'version' });
    try {
      if (ctx.force && !resume) {
        await source.clearCache();
      }
      run.result.version = await source.version(ctx);
      let genes = await this.store.targets(source.name, request.scope, request.geneIds);
      if (resume && resume.version !== run.result.version) {
        // The upstream released a new version meanwhile: every gene is asked again.
        run.reset();
        resume = null;
      }
      if (resume) {
        const { after, also } = resume;
        genes = genes.filter((g) => g.id > after && !also.includes(g.id));
      }
      run.result.genes_total = run.processed + genes.length;
      let after = resume?.after ?? 0;
      let also = resume?.also ?? [];
      const size = this.config.sources.annotations.chunkSize;
      for (let i = 0; i < genes.length; i += size) {
        if (signal.aborted) {
          run.result.status = 'cancelled';
          break;
        }
        const chunk = genes.slice(i, i + size);
        run.emit('fetching', { current: `${chunk[0].symbol}…${chunk.at(-1)!.symbol}` });
        const outcomes = await this.annotateChunk(source, chunk, ctx);
        if (signal.aborted) {
          // Stopped inside the chunk: keep what the upstream answered, leave the genes it
          // was stopped on (their "failures" are the stop's) for the resumed run.
          const answered = chunk.filter((g) => outcomes.get(g.id)?.kind !== 'failed');
          await this.storeChunk(run, answered, outcomes);
          also = [...also, ...answered.map((g) => g.id)];
          await this.checkpoints.save(key, run.checkpoint(after, also));
          run.result.status = 'cancelled';
          break;
        }
        run.emit('storing', { current: `${chunk.length} genes` });
        await this.storeChunk(run, chunk, outcomes);
        after = chunk.at(-1)!.id;
        also = also.filter((id) => id > after);
        await this.checkpoints.save(key, run.checkpoint(after, also));
      }
      if (run.result.status === 'completed') {
        await this.checkpoints.clear(key);
      }
    } catch (error) {
      // A download stopped by the abort signal ends the run as cancelled, not failed.
      if (signal.aborted) {
        run.result.status = 'cancelled';
        run.result.error = `${source.name} run stopped on request`;
        this.logger.log({ source: source.name, run_id: runId }, run.result.error);
      } else {
        run.result.status = 'failed';
        run.result.error = `${source.name} run failed: ${reasonOf(error)}`;
        this.logger.error({ err: error, source: source.name, run_id: runId }, run.result.error);
      }
    }
    const { result } = run;
    if (
      result.status === 'completed' &&
      result.failed > 0 &&
      result.failed === result.genes_total
    ) {
      result.status = 'failed';
      result.error = `every gene failed; first: ${result.failures[0]?.reason ?? 'unknown'}`;
    }
    result.duration_ms = Math.round(performance.now() - started);
    run.emit(result.status === 'completed' ? 'completed' : result.status, {
      current: result.error,
    });
    this.logger.log(
      {
        source: source.name,
        run_id: runId,
        status: result.status,
        version: result.version,
        genes: result.genes_total,
        updated: result.updated,
        no_data: result.no_data,
        failed: result.failed,
      },
      'annotation run finished',
    );
    return result;
  }

  /** Bulk (or per-gene) answers for a chunk, then the per-gene fallback for the misses. */
  private async annotateChunk(
    source: AnnotationSource,
    chunk: AnnotationGene[],
    ctx: SourceRunContext,
  ): Promise<Map<number, AnnotationOutcome>> {
    let outcomes: Map<number, AnnotationOutcome>;
    let chunkError: string | null = null;
    try {
      outcomes = await source.annotate(chunk, ctx);
    } catch (error) {
      chunkError = reasonOf(error);
      outcomes = new Map();
      if (ctx.signal.aborted) {
        // Stopped, not failed: the resumed run asks again.
        return outcomes;
      }
      this.logger.warn({ source: source.name, run_id: ctx.runId }, `chunk failed: ${chunkError}`);
    }
    const missed = chunk.filter((g) => !outcomes.has(g.id) && !ctx.signal.aborted);
    const one = source.annotateOne?.bind(source);
    await mapLimit(missed, this.config.upstream.concurrency, async (gene) => {
      if (!one) {
        outcomes.set(gene.id, failed(chunkError ?? 'not in the upstream answer'));
        return;
      }
      try {
        outcomes.set(gene.id, await one(gene, ctx));
      } catch (error) {
        outcomes.set(gene.id, failed(reasonOf(error)));
      }
    });
    return outcomes;
  }

  private async storeChunk(
    run: RunState,
    chunk: AnnotationGene[],
    outcomes: Map<number, AnnotationOutcome>,
  ): Promise<void> {
    const stored: StoredAnnotation[] = [];
    const failures: { geneId: number; reason: string }[] = [];
    for (const gene of chunk) {
      const outcome = outcomes.get(gene.id)!;
      if (outcome.kind === 'data') {
        stored.push({ geneId: gene.id, annotations: outcome.data, status: 'data' });
      } else if (outcome.kind === 'no_data') {
        stored.push({
          geneId: gene.id,
          annotations: { no_data: true, reason: outcome.reason },
          status: 'no_data',
        });
      } else {
        failures.push({ geneId: gene.id, reason: outcome.reason });
        if (run.result.failures.length < MAX_REPORTED_FAILURES) {
          run.result.failures.push({
            gene_id: gene.id,
            symbol: gene.symbol,
            reason: outcome.reason,
          });
        }
      }
    }
    const { inserted } = await this.store.writeChunk({
      source: run.result.source,
      version: run.result.version!,
      runId: run.result.run_id,
      stored,
      failed: failures,
    });
    const noData = stored.filter((s) => s.status === 'no_data').length;
    run.result.updated += stored.length - noData;
    run.result.no_data += noData;
    run.result.failed += failures.length;
    run.added += inserted;
    run.replaced += stored.length - inserted;
    run.processed += chunk.length;
    run.emit('storing', { current: null });
  }
}

/** Where an annotation run got to, saved after each stored chunk. */
interface AnnotationCheckpoint extends Record<string, unknown> {
  run_id: string;
  version: string | null;
  /** Every target gene with an id up to this one is done. */
  after: number;
  /** Genes beyond `after` done before a stop inside their chunk. */
  also: number[];
  processed: number;
  added: number;
  replaced: number;
  updated: number;
  no_data: number;
  failed: number;
  failures: AnnotationRunResult['failures'];
}

/** A run's result as it grows, and its progress events. */
class RunState {
  readonly result: AnnotationRunResult;
  processed = 0;
  added = 0;
  replaced = 0;

  constructor(
    source: string,
    runId: string,
    private readonly started: number,
    private readonly bus: SourceProgressBus,
  ) {
    this.result = {
      kind: 'annotation',
      run_id: runId,
      source,
      status: 'completed',
      version: null,
      genes_total: 0,
      updated: 0,
      no_data: 0,
      failed: 0,
      failures: [],
      error: null,
      duration_ms: 0,
    };
  }

  /** The counters of the run this one continues. */
  restore(saved: AnnotationCheckpoint): void {
    this.processed = saved.processed;
    this.added = saved.added;
    this.replaced = saved.replaced;
    this.result.updated = saved.updated;
    this.result.no_data = saved.no_data;
    this.result.failed = saved.failed;
    this.result.failures = [...saved.failures];
  }

  reset(): void {
    this.processed = 0;
    this.added = 0;
    this.replaced = 0;
    this.result.updated = 0;
    this.result.no_data = 0;
    this.result.failed = 0;
    this.result.failures = [];
  }

  checkpoint(after: number, also: number[]): AnnotationCheckpoint {
    return {
      run_id: this.result.run_id,
      version: this.result.version,
      after,
      also,
      processed: this.processed,
      added: this.added,
      replaced: this.replaced,
      updated: this.result.updated,
      no_data: this.result.no_data,
      failed: this.result.failed,
      failures: this.result.failures,
    };
  }

  emit(phase: SourceProgress['phase'], extra: Partial<SourceProgress> = {}): void {
    const elapsed = performance.now() - this.started;
    const total = this.result.genes_total;
    this.bus.publish({
      source: this.result.source,
      runId: this.result.run_id,
      phase,
      processed: this.processed,
      total,
      added: this.added,
      updated: this.replaced,
      failed: this.result.failed,
      current: null,
      etaMs:
        this.processed > 0 && this.processed < total
          ? Math.round((elapsed / this.processed) * (total - this.processed))
          : null,
      ...extra,
    });
  }
}
