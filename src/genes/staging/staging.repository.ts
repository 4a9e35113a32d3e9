import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { managerOf, type Transaction } from '../../database/transaction.js';

export interface StagingRow {
  id: number;
  source_name: string;
  original_text: string;
  reason: string;
  candidates: { id: number; hgnc_id: string; approved_symbol: string }[];
  evidence_data: Record<string, unknown>;
  evidence_detail: string | null;
  status: string;
  priority: number;
  resolved_gene_id: number | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  review_notes: string | null;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class StagingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds a pending entry, or refreshes the pending one for this source and symbol. */
  async upsertPending(
    entry: {
      source: string;
      text: string;
      reason: string;
      candidates: StagingRow['candidates'];
      data: Record<string, unknown>;
      detail: string | null;
      priority: number;
    },
    tx?: Transaction,
  ): Promise<void> {
    await managerOf(tx, this.dataSource.manager).query(
      `INSERT INTO gene_staging (source_name, original_text, reason, candidates, evidence_data, evidence_detail, priority)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)
       ON CONFLICT (source_name, upper(original_text)) WHERE status = 'pending' DO UPDATE SET
         reason = EXCLUDED.reason, candidates = EXCLUDED.candidates, evidence_data = EXCLUDED.evidence_data,
         evidence_detail = EXCLUDED.evidence_detail, priority = EXCLUDED.priority, updated_at = now()`,
      [
        entry.source,
        entry.text,
        entry.reason,
        JSON.stringify(entry.candidates),
        JSON.stringify(entry.data),
        entry.detail,
        entry.priority,
      ],
    );
  }

  async list(filter: {
    status?: string;
    source?: string;
    limit: number;
    offset: number;
    /** Newest first instead of the review order (priority, then oldest). */
    newestFirst?: boolean;
  }): Promise<{ rows: StagingRow[]; total: number }> {
    const params: unknown[] = [filter.status ?? null, filter.source ?? null];
    const where = `WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR source_name = $2)`;
    const [rows, count] = await Promise.all([
      this.dataSource.query<StagingRow[]>(
        `SELECT * FROM gene_staging ${where}
         ORDER BY ${filter.newestFirst ? 'created_at DESC, id DESC' : 'priority DESC, created_at, id'}
         LIMIT $3 OFFSET $4`,
        [...params, filter.limit, filter.offset],
      ),
      this.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM gene_staging ${where}`,
        params,
      ),
    ]);
    return { rows, total: count[0]?.n ?? 0 };
  }

  async get(id: number): Promise<StagingRow | undefined> {
    const rows = await this.dataSource.query<StagingRow[]>(
      'SELECT * FROM gene_staging WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  /** Marks a pending entry reviewed; false when it was not pending (already reviewed). */
  async review(
    id: number,
    status: 'approved' | 'rejected',
    userId: number,
    notes: string | null,
    geneId: number | null,
  ): Promise<boolean> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE gene_staging SET status = $2, reviewed_by = $3, reviewed_at = now(), review_notes = $4,
         resolved_gene_id = $5, updated_at = now()
       WHERE id = $1 AND status = 'pending'`,
      [id, status, userId, notes, geneId],
    );
    return count > 0;
  }

  async setResolvedGene(id: number, geneId: number): Promise<void> {
    await this.dataSource.query(
      'UPDATE gene_staging SET resolved_gene_id = $2, updated_at = now() WHERE id = $1',
      [id, geneId],
    );
  }

  /** Undoes a claim whose work failed, so the entry can be reviewed again. */
  async reopen(id: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE gene_staging SET status = 'pending', reviewed_by = NULL, reviewed_at = NULL, review_notes = NULL,
         resolved_gene_id = NULL, updated_at = now() WHERE id = $1`,
      [id],
    );
  }

  /** Per source: evidence rows stored, and staged entries (all) and approved ones. */
  async normalizationCounts(): Promise<
    { source_name: string; evidence: number; staged: number; approved: number }[]
  > {
    return this.dataSource.query(
      `WITH e AS (SELECT source_name, count(*)::int AS n FROM gene_evidence GROUP BY source_name),
            s AS (SELECT source_name, count(*)::int AS n,
                         count(*) FILTER (WHERE status = 'approved')::int AS approved
                  FROM gene_staging GROUP BY source_name)
       SELECT coalesce(e.source_name, s.source_name) AS source_name, coalesce(e.n, 0) AS evidence,
              coalesce(s.n, 0) AS staged, coalesce(s.approved, 0) AS approved
       FROM e FULL JOIN s ON s.source_name = e.source_name ORDER BY 1`,
    );
  }

  async stats(): Promise<{ status: string; source_name: string; n: number }[]> {
    return this.dataSource.query(
      'SELECT status, source_name, count(*)::int AS n FROM gene_staging GROUP BY status, source_name ORDER BY status, source_name',
    );
  }
}
