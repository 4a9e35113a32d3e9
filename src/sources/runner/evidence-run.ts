import { Injectable, Logger } from '@nestjs/common';

import { isDatabaseUnavailable } from '../../common/errors/index.js';
import type { RowFailure } from '../../common/evidence/evidence-record.js';
import { EvidenceWriter, type IngestResult } from '../../genes/evidence/evidence-writer.service.js';
import { ScoreRefresher } from '../../genes/scoring/score-refresher.service.js';
import type { EvidenceSource, SourceRunContext } from '../base/upstream-source.js';
import { HgncNormalizer, type NormalizationReport } from '../normalization/hgnc-normalizer.js';
import { type SourceProgress, SourceProgressBus } from '../upstream/progress.bus.js';
import { MAX_REPORTED_FAILURES, type RunRequest } from './run-request.js';

export interface EvidenceRunResult extends IngestResult {
  kind: 'evidence';
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

/**
 * One run of an evidence source: the source downloads and parses batches through the
 * shared upstream client (bad rows are recorded with their reason); each batch is
 * normalized at HGNC and stored through the genes module before the source continues;
 * progress goes to the bus. A run that yields no genes (and found nothing it already
 * had) fails.
 */
@Injectable()
export class EvidenceRun {
  private readonly logger = new Logger(EvidenceRun.name);

  constructor(
    private readonly ingest: EvidenceWriter,
    private readonly progress: SourceProgressBus,
    private readonly hgnc: HgncNormalizer,
    private readonly scores: ScoreRefresher,
  ) {}

  async execute(source: EvidenceSource, request: RunRequest): Promise<EvidenceRunResult> {
    const { runId, signal } = request;
    const started = performance.now();
    const result: EvidenceRunResult = {
      kind: 'evidence',
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
      force: request.force,
      signal,
      progress: (update) => {
        if (update.processed !== undefined) {
          processed = update.processed;
        }
        if (update.total !== undefined) {
          total = update.total;
        }
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
        if (signal.aborted) {
          throw new Error('stopped on request');
        }
        result.rows += batch.rows;
        unchanged += batch.unchanged ?? 0;
        this.recordFailures(source.name, runId, result, batch.failures);
        if (batch.records.length === 0) {
          continue;
        }
        for (const r of batch.records) {
          genes.add(r.hgncId ?? r.symbol.toUpperCase());
        }
        emit('normalizing', { current: `${batch.records.length} genes` });
        const normalized = await this.hgnc.normalize(source.name, batch.records);
        result.normalization = mergeReports(result.normalization, normalized.report);
        emit('storing', { current: `${batch.records.length} genes` });
        const stored = await this.ingest.ingest(source.name, normalized.records, {
          stagingPriority: source.declaration.stagingPriority,
        });
        for (const key of ['added', 'updated', 'staged', 'created_genes'] as const) {
          result[key] += stored[key];
        }
        result.genes = genes.size;
      }
    } catch (error) {
      // Not the source's fault: the caller (a pipeline run) stops and resumes later.
      if (isDatabaseUnavailable(error)) {
        throw error;
      }
      if (signal.aborted) {
        this.logger.log({ source: source.name, run_id: runId }, 'source run stopped on request');
        emit('cancelled');
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
    } finally {
      // Once per run, whatever was written before a failure included.
      this.scores.markDirty();
    }
    if (genes.size === 0 && unchanged === 0) {
      return fail(`${source.name} yielded no kidney genes from ${result.rows} rows`);
    }
    const done: EvidenceRunResult = {
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
    result: EvidenceRunResult,
    failures: RowFailure[],
  ): void {
    result.failed += failures.length;
    for (const f of failures) {
      if (result.failures.length < MAX_REPORTED_FAILURES) {
        result.failures.push(f);
      }
      if (result.failures.length <= 50) {
        this.logger.warn({ source, run_id: runId, row: f.row }, `row skipped: ${f.reason}`);
      }
    }
  }
}

function mergeReports(a: NormalizationReport | null, b: NormalizationReport): NormalizationReport {
  if (!a) {
    return b;
  }
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
