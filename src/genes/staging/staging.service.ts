import { HttpStatus, Injectable, Logger } from '@nestjs/common';

import {
  ConflictError,
  DomainError,
  isUniqueViolation,
  ValidationFailedError,
} from '../../common/errors/index.js';
import { EvidenceWriter } from '../evidence/evidence-writer.service.js';
import { GenesRepository } from '../genes.repository.js';
import { ScoreRefresher } from '../scoring/score-refresher.service.js';
import { StagingRepository, type StagingRow } from './staging.repository.js';

class StagingNotFoundError extends DomainError {
  readonly code = 'STAGING_NOT_FOUND';
  readonly status = HttpStatus.NOT_FOUND;
}

export interface ApproveInput {
  geneId?: number;
  hgncId?: string;
  approvedSymbol?: string;
  notes?: string;
}

export type BulkOutcome<T> =
  | { id: number; ok: true; result: T }
  | { id: number; ok: false; error: { status: number; code: string; message: string } };

/** The curator's review of unresolved symbols: approve replays the staged evidence. */
@Injectable()
export class StagingService {
  private readonly logger = new Logger(StagingService.name);

  constructor(
    private readonly staging: StagingRepository,
    private readonly genes: GenesRepository,
    private readonly scores: ScoreRefresher,
    private readonly evidence: EvidenceWriter,
  ) {}

  list(filter: { status?: string; source?: string; limit: number; offset: number }) {
    return this.staging.list(filter);
  }

  async stats() {
    const rows = await this.staging.stats();
    const totals: Record<string, number> = { pending: 0, approved: 0, rejected: 0 };
    const pendingBySource: Record<string, number> = {};
    for (const r of rows) {
      totals[r.status] = (totals[r.status] ?? 0) + r.n;
      if (r.status === 'pending') {
        pendingBySource[r.source_name] = r.n;
      }
    }
    return { totals, pending_by_source: pendingBySource };
  }

  /**
   * How often automatic normalization found the gene: per source, the gene texts that
   * became evidence on their own (evidence rows less those a curator approved from
   * staging) against those that went to staging. `success_rate` is a fraction (0–1, as the
   * original Staging page multiplies it by 100), `success_percentage` the same in percent.
   */
  async normalizationStats() {
    const bySource: Record<
      string,
      {
        total_attempts: number;
        successful_attempts: number;
        success_rate: number;
        success_percentage: number;
      }
    > = {};
    let total = 0;
    let successful = 0;
    for (const r of await this.staging.normalizationCounts()) {
      const ok = Math.max(0, r.evidence - r.approved);
      bySource[r.source_name] = {
        total_attempts: ok + r.staged,
        successful_attempts: ok,
        success_rate: fraction(ok, ok + r.staged),
        success_percentage: percent(ok, ok + r.staged),
      };
      total += ok + r.staged;
      successful += ok;
    }
    return {
      total_attempts: total,
      successful_attempts: successful,
      success_rate: fraction(successful, total),
      success_percentage: percent(successful, total),
      by_source: bySource,
    };
  }

  /**
   * The failed normalization attempts, newest first, in the original's log entry shape:
   * every staging entry is a gene text automatic normalization could not place. Successes
   * are not logged (they are the evidence rows), so `success=true` lists nothing.
   */
  async normalizationLogs(limit: number, source?: string, success?: boolean) {
    if (success === true) {
      return [];
    }
    const { rows } = await this.staging.list({ source, limit, offset: 0, newestFirst: true });
    return rows.map((r) => ({
      id: r.id,
      original_text: r.original_text,
      source_name: r.source_name,
      success: false,
      approved_symbol: null,
      hgnc_id: null,
      normalization_log: {
        failure_reason: r.reason,
        candidates: r.candidates.map((c) => c.approved_symbol),
        status: r.status,
      },
      api_calls_made: null,
      processing_time_ms: null,
      created_at: r.created_at.toISOString(),
    }));
  }

  private async pending(id: number): Promise<StagingRow> {
    const row = await this.staging.get(id);
    if (!row) {
      throw new StagingNotFoundError(`Staging entry ${id} not found`);
    }
    if (row.status !== 'pending') {
      throw new ConflictError(`Staging entry ${id} is already ${row.status}`);
    }
    return row;
  }

  /**
   * Links or creates the gene, then stores the evidence the source reported for it. The
   * entry is claimed first (pending → approved in one statement), so two curators cannot
   * both act on it; if the work then fails, the claim is released.
   */
  async approve(
    id: number,
    userId: number,
    input: ApproveInput,
  ): Promise<{ entry: StagingRow; gene_id: number; evidence: 'added' | 'updated' }> {
    const row = await this.pending(id);
    if (input.geneId === undefined && !input.hgncId) {
      throw new ValidationFailedError([
        {
          field: 'gene_id',
          messages: ['give gene_id, or hgnc_id (and approved_symbol for a new gene)'],
        },
      ]);
    }
    if (!(await this.staging.review(id, 'approved', userId, input.notes ?? null, null))) {
      throw new ConflictError(`Staging entry ${id} was reviewed concurrently`);
    }
    try {
      const geneId = await this.resolveGene(row, input);
      const inserted = await this.evidence.upsertOne(
        geneId,
        row.source_name,
        row.evidence_data,
        row.evidence_detail,
      );
      await this.staging.setResolvedGene(id, geneId);
      this.scores.markDirty();
      this.logger.log(
        { staging_id: id, gene_id: geneId, source: row.source_name },
        'staged symbol approved',
      );
      return {
        entry: (await this.staging.get(id))!,
        gene_id: geneId,
        evidence: inserted ? 'added' : 'updated',
      };
    } catch (error) {
      await this.staging.reopen(id);
      throw error;
    }
  }

  private async resolveGene(row: StagingRow, input: ApproveInput): Promise<number> {
    if (input.geneId !== undefined) {
      if (!(await this.genes.findById(input.geneId))) {
        throw new ValidationFailedError([
          { field: 'gene_id', messages: [`gene ${input.geneId} does not exist`] },
        ]);
      }
      return input.geneId;
    }
    const hgncId = input.hgncId!;
    const existing = await this.genes.findIdByHgncId(hgncId);
    if (existing !== undefined) {
      return existing;
    }
    if (!input.approvedSymbol) {
      throw new ValidationFailedError([
        { field: 'approved_symbol', messages: ['needed to create a new gene'] },
      ]);
    }
    try {
      return await this.genes.insertGene({
        hgncId,
        symbol: input.approvedSymbol,
        name: null,
        aliases:
          row.original_text.toUpperCase() === input.approvedSymbol.toUpperCase()
            ? []
            : [row.original_text],
        previousSymbols: [],
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`Symbol ${input.approvedSymbol} belongs to another gene`);
      }
      throw error;
    }
  }

  /**
   * Applies `action` to each id in turn. A failure is reported for its id and does not stop
   * the rest; anything that is not a domain error (the database went away) still aborts.
   */
  async bulk<T>(
    ids: number[],
    action: (id: number, index: number) => Promise<T>,
  ): Promise<BulkOutcome<T>[]> {
    const outcomes: BulkOutcome<T>[] = [];
    for (const [index, id] of ids.entries()) {
      try {
        outcomes.push({ id, ok: true, result: await action(id, index) });
      } catch (error) {
        if (!(error instanceof DomainError)) {
          throw error;
        }
        outcomes.push({
          id,
          ok: false,
          error: { status: error.status, code: error.code, message: error.message },
        });
      }
    }
    return outcomes;
  }

  async reject(id: number, userId: number, notes: string): Promise<StagingRow> {
    await this.pending(id);
    if (!(await this.staging.review(id, 'rejected', userId, notes, null))) {
      throw new ConflictError(`Staging entry ${id} was reviewed concurrently`);
    }
    return (await this.staging.get(id))!;
  }
}

/** A percentage with one decimal; 0 when nothing was attempted. */
function fraction(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}
