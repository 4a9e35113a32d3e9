import { Injectable, Logger } from '@nestjs/common';

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
  mapLimit,
  reasonOf,
} from '../annotations/annotation-source.js';
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
    this.logger.log({ source: source.name, run_id: runId }, 'annotation run started');
    run.emit('fetching', { current: 'version' });
    try {
      if (ctx.force) {
        await source.clearCache();
      }
      run.result.version = await source.version(ctx);
      const genes = await this.store.targets(source.name, request.scope, request.geneIds);
      run.result.genes_total = genes.length;
      const size = this.config.sources.annotations.chunkSize;
      for (let i = 0; i < genes.length; i += size) {
        if (signal.aborted) {
          run.result.status = 'cancelled';
          break;
        }
        const chunk = genes.slice(i, i + size);
        run.emit('fetching', { current: `${chunk[0].symbol}…${chunk.at(-1)!.symbol}` });
        const outcomes = await this.annotateChunk(source, chunk, ctx);
        run.emit('storing', { current: `${chunk.length} genes` });
        await this.storeChunk(run, chunk, outcomes);
      }
    } catch (error) {
      // A download stopped by the abort signal ends the run as cancelled, not failed.
      run.result.status = signal.aborted ? 'cancelled' : 'failed';
      run.result.error = `${source.name} run ${run.result.status}: ${reasonOf(error)}`;
      this.logger.error({ err: error, source: source.name, run_id: runId }, run.result.error);
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
      this.logger.warn({ source: source.name, run_id: ctx.runId }, `chunk failed: ${chunkError}`);
    }
    const missed = chunk.filter((g) => !outcomes.has(g.id));
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
