import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { ConflictError, DomainError, isDatabaseUnavailable } from '../../common/errors/index.js';
import { runWithContext } from '../../common/request-context.js';
import { withTryAdvisoryLock } from '../../database/advisory-lock.js';
import {
  EvidenceIngestService,
  type IngestResult,
} from '../../genes/staging/evidence-ingest.service.js';
import type { EvidenceSource, SourceRunContext } from '../base/base-annotation-source.js';
import { SourceProgressBus, type SourceProgress } from '../upstream/progress.bus.js';
import type { RowFailure } from './evidence-record.js';
import { HgncNormalizer, type NormalizationReport } from '../normalization/hgnc-normalizer.js';

/** Injection token: every evidence source the app defines. */
export const EVIDENCE_SOURCES = Symbol('EVIDENCE_SOURCES');
/** Failures kept in a run result (all are counted). */
const MAX_REPORTED_FAILURES = 200;

export interface SourceRunResult extends IngestResult {
  run_id: string;
  source: string;
  status: 'completed' | 'failed' | 'cancelled';
  rows: number;
  genes: number;
  failed: number;
  failures: RowFailure[];
  /** How symbols without an HGNC id fared at HGNC before storing. */
  normalization: NormalizationReport | null;
  error: string | null;
  duration_ms: number;
}

class UnknownSourceError extends DomainError {
  readonly code = 'SOURCE_NOT_FOUND';
  readonly status = HttpStatus.NOT_FOUND;
}

/**
 * Runs an evidence source end to end: the source downloads and parses batches through
 * the shared upstream client (bad rows are recorded with their reason); each batch is
 * normalized at HGNC and stored through the genes module before the source continues;
 * progress goes to the bus. A run that yields no genes (and found nothing it already
 * had) fails. One run per source at a time, across instances.
 */
@Injectable()
export class EvidenceSourcesService {
  private readonly logger = new Logger(EvidenceSourcesService.name);
  private readonly sources: Map<string, EvidenceSource>;
  /** Source → its run in progress in this process. */
  private readonly active = new Map<string, { runId: string; abort: AbortController }>();

  constructor(
    private readonly ingest: EvidenceIngestService,
    private readonly progress: SourceProgressBus,
    private readonly hgnc: HgncNormalizer,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVIDENCE_SOURCES) sources: EvidenceSource[],
  ) {
    this.sources = new Map(sources.map((s) => [s.name, s]));
  }

  names(): string[] {
    return [...this.sources.keys()];
  }

  /** The canonical name of a runnable source, matched case-insensitively. */
  resolve(name: string): string {
    const source = this.names().find((s) => s.toLowerCase() === name.toLowerCase());
    if (!source) {
      throw new UnknownSourceError(
        `No runnable source ${name}; available: ${this.names().join(', ')}`,
      );
    }
    return source;
  }

  /** The id of the run of `source` in progress in this process, if any. */
  activeRun(source: string): string | null {
    return this.active.get(source)?.runId ?? null;
  }

  /** Asks the run of `source` in this process to stop at its next request; false if none. */
  cancel(source: string): boolean {
    const run = this.active.get(source);
    run?.abort.abort();
    return run !== undefined;
  }

  async run(
    name: string,
    options: {
      forceRefresh?: boolean;
      /** Stops the run at the source's next safe point (status `cancelled`). */
      signal?: AbortSignal;
      /** The id progress events and logs carry (a pipeline run's); new when omitted. */
      runId?: string;
    } = {},
  ): Promise<SourceRunResult> {
    const source = this.resolve(name);
    const running = this.active.get(source);
    if (running) {
      throw new ConflictError(`${source} is already running (run ${running.runId})`, {
        run_id: running.runId,
      });
    }
    const runId = options.runId ?? randomUUID();
    const abort = new AbortController();
    if (options.signal?.aborted) abort.abort();
    options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
    this.active.set(source, { runId, abort });
    try {
      // The in-process map answers with the run id; the advisory lock covers instances.
      const locked = await withTryAdvisoryLock(this.dataSource, `evidence-source:${source}`, () =>
        runWithContext({ runId }, () =>
          this.execute(this.sources.get(source)!, runId, options.forceRefresh === true, abort),
        ),
      );
      if (!locked.acquired) {
        throw new ConflictError(`${source} is already running in another instance`);
      }
      return locked.value;
    } finally {
      this.active.delete(source);
    }
  }

  private async execute(
    source: EvidenceSource,
    runId: string,
    force: boolean,
    abort: AbortController,
  ): Promise<SourceRunResult> {
    const started = performance.now();
    const result: SourceRunResult = {
      run_id: runId,
      source: source.name,
      status: 'failed',
      rows: 0,
      genes: 0,
      added: 0,
      updated: 0,
      staged: 0,
      created_genes: 0,
      failed: 0,
      failures: [],
      normalization: null,
      error: null,
      duration_ms: 0,
    };
    let processed = 0;
    let total: number | null = null;
    let unchanged = 0;
    const emit = (phase: SourceProgress['phase'], extra: Partial<SourceProgress> = {}) => {
      const elapsed = performance.now() - started;
      this.progress.publish({
        source: source.name,
        runId,
        phase,
        processed,
        total,
        added: result.added,
        updated: result.updated,
        failed: result.failed,
        current: null,
        etaMs:
          total !== null && processed > 0 && processed < total
            ? Math.round((elapsed / processed) * (total - processed))
            : null,
        ...extra,
      });
    };
    const ctx: SourceRunContext = {
      runId,
      force,
      signal: abort.signal,
      progress: (update) => {
        if (update.processed !== undefined) processed = update.processed;
        if (update.total !== undefined) total = update.total;
        emit('fetching', { current: update.current ?? null });
      },
    };
    const genes = new Set<string>();
    const fail = (message: string, error?: unknown) => {
      this.logger.error({ err: error, source: source.name, run_id: runId }, message);
      emit('failed', { current: message });
      return { ...result, error: message, duration_ms: Math.round(performance.now() - started) };
    };
    this.logger.log({ source: source.name, run_id: runId }, 'source run started');
    emit('fetching');
    try {
      for await (const batch of source.batches(ctx)) {
        if (abort.signal.aborted) throw new Error('stopped on request');
        result.rows += batch.rows;
        unchanged += batch.unchanged ?? 0;
        this.recordFailures(source.name, runId, result, batch.failures);
        if (batch.records.length === 0) continue;
        for (const r of batch.records) genes.add(r.hgncId ?? r.symbol.toUpperCase());
        emit('normalizing', { current: `${batch.records.length} genes` });
        const normalized = await this.hgnc.normalize(source.name, batch.records);
        result.normalization = mergeReports(result.normalization, normalized.report);
        emit('storing', { current: `${batch.records.length} genes` });
        const stored = await this.ingest.ingest(source.name, normalized.records);
        for (const key of ['added', 'updated', 'staged', 'created_genes'] as const)
          result[key] += stored[key];
        result.genes = genes.size;
      }
    } catch (error) {
      // Not the source's fault: the caller (a pipeline run) stops and resumes later.
      if (isDatabaseUnavailable(error)) throw error;
      if (abort.signal.aborted) {
        this.logger.log({ source: source.name, run_id: runId }, 'source run stopped on request');
        emit('failed', { current: 'cancelled' });
        return {
          ...result,
          status: 'cancelled',
          error: 'stopped on request',
          duration_ms: Math.round(performance.now() - started),
        };
      }
      return fail(
        `${source.name} run failed: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
    if (genes.size === 0 && unchanged === 0) {
      return fail(`${source.name} yielded no kidney genes from ${result.rows} rows`);
    }
    const done: SourceRunResult = {
      ...result,
      status: 'completed',
      duration_ms: Math.round(performance.now() - started),
    };
    emit('completed', { processed: total ?? processed, current: null });
    this.logger.log(
      {
        source: source.name,
        run_id: runId,
        added: done.added,
        updated: done.updated,
        staged: done.staged,
        failed: done.failed,
        unchanged,
      },
      'source run completed',
    );
    return done;
  }

  private recordFailures(
    source: string,
    runId: string,
    result: SourceRunResult,
    failures: RowFailure[],
  ): void {
    result.failed += failures.length;
    for (const f of failures) {
      if (result.failures.length < MAX_REPORTED_FAILURES) result.failures.push(f);
      if (result.failures.length <= 50)
        this.logger.warn({ source, run_id: runId, row: f.row }, `row skipped: ${f.reason}`);
    }
  }
}

function mergeReports(a: NormalizationReport | null, b: NormalizationReport): NormalizationReport {
  if (!a) return b;
  return {
    looked_up: a.looked_up + b.looked_up,
    resolved: {
      symbol: a.resolved.symbol + b.resolved.symbol,
      prev_symbol: a.resolved.prev_symbol + b.resolved.prev_symbol,
      alias_symbol: a.resolved.alias_symbol + b.resolved.alias_symbol,
    },
    ambiguous: [...new Set([...a.ambiguous, ...b.ambiguous])].sort(),
    error: b.error ?? a.error,
  };
}
