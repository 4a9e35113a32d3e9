import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { EVIDENCE_MERGERS } from '../../common/evidence/evidence-merge.js';
import { asTransaction, managerOf, type Transaction } from '../../database/transaction.js';

/** The SQL of `gene_evidence`: the only code that writes it (through EvidenceWriter). */
@Injectable()
export class EvidenceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(asTransaction(manager)));
  }

  /**
   * One statement for many genes of one source. Accumulating sources lock and merge the
   * stored rows first. Returns, per gene in map order, whether its row was created.
   */
  async upsertMany(
    tx: Transaction,
    source: string,
    byGene: ReadonlyMap<number, { data: Record<string, unknown>; detail: string | null }>,
  ): Promise<boolean[]> {
    const manager = managerOf(tx, this.dataSource.manager);
    if (byGene.size === 0) {
      return [];
    }
    const ids = [...byGene.keys()];
    const rows = new Map(byGene);
    const merger = EVIDENCE_MERGERS[source];
    if (merger) {
      const stored = await manager.query<
        { gene_id: number; evidence_data: Record<string, unknown> }[]
      >(
        `SELECT gene_id, evidence_data FROM gene_evidence
         WHERE source_name = $1 AND gene_id = ANY($2::int[]) ORDER BY gene_id FOR UPDATE`,
        [source, ids],
      );
      for (const row of stored) {
        const data = merger.merge(row.evidence_data, rows.get(row.gene_id)!.data);
        rows.set(row.gene_id, { data, detail: merger.detail(data) });
      }
    }
    const result = await manager.query<{ gene_id: number; inserted: boolean }[]>(
      `INSERT INTO gene_evidence (gene_id, source_name, source_detail, evidence_data, evidence_date)
       SELECT g, $1, d, e, current_date FROM unnest($2::int[], $3::text[], $4::jsonb[]) AS u(g, d, e)
       ON CONFLICT (gene_id, source_name) DO UPDATE SET
         source_detail = EXCLUDED.source_detail, evidence_data = EXCLUDED.evidence_data,
         evidence_date = EXCLUDED.evidence_date, updated_at = now()
       RETURNING gene_id, (xmax = 0) AS inserted`,
      [
        source,
        ids,
        ids.map((id) => rows.get(id)!.detail),
        ids.map((id) => JSON.stringify(rows.get(id)!.data)),
      ],
    );
    const created = new Map(result.map((r) => [r.gene_id, r.inserted]));
    return ids.map((id) => created.get(id) === true);
  }

  /** A source's rows whose `field` object has the key `identifier`, locked for update. */
  rowsWithIdentifier(
    tx: Transaction,
    source: string,
    field: string,
    identifier: string,
  ): Promise<{ id: string; evidence_data: Record<string, unknown> }[]> {
    const manager = managerOf(tx, this.dataSource.manager);
    return manager.query(
      `SELECT id, evidence_data FROM gene_evidence
       WHERE source_name = $1 AND jsonb_typeof(evidence_data -> $2) = 'object'
         AND evidence_data -> $2 ? $3
       ORDER BY id FOR UPDATE`,
      [source, field, identifier],
    );
  }

  async deleteRow(tx: Transaction, id: string): Promise<void> {
    const manager = managerOf(tx, this.dataSource.manager);
    await manager.query('DELETE FROM gene_evidence WHERE id = $1', [id]);
  }

  async replaceRow(
    tx: Transaction,
    id: string,
    data: Record<string, unknown>,
    detail: string | null,
  ): Promise<void> {
    const manager = managerOf(tx, this.dataSource.manager);
    await manager.query(
      `UPDATE gene_evidence SET evidence_data = $2::jsonb, source_detail = $3, updated_at = now()
       WHERE id = $1`,
      [id, JSON.stringify(data), detail],
    );
  }

  /** Every key of the rows' `field` objects, with the number of genes and the last change. */
  identifiers(
    source: string,
    field: string,
  ): Promise<{ identifier: string; gene_count: number; last_updated: Date }[]> {
    return this.dataSource.query(
      `SELECT k AS identifier, count(*)::int AS gene_count, max(e.updated_at) AS last_updated
       FROM gene_evidence e
       CROSS JOIN LATERAL jsonb_object_keys(
         CASE WHEN jsonb_typeof(e.evidence_data -> $2) = 'object' THEN e.evidence_data -> $2 ELSE '{}' END) k
       WHERE e.source_name = $1 GROUP BY k ORDER BY k`,
      [source, field],
    );
  }

  /** Deletes every evidence row of `source`; how many there were. */
  async deleteSource(tx: Transaction, source: string): Promise<number> {
    const manager = managerOf(tx, this.dataSource.manager);
    const [, deleted] = await manager.query<[unknown[], number]>(
      'DELETE FROM gene_evidence WHERE source_name = $1',
      [source],
    );
    return deleted;
  }

  async countGenes(source: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM gene_evidence WHERE source_name = $1',
      [source],
    );
    return row.n;
  }

  /** Of `values`, those some row of `source` lists in its `field` array. */
  async listedIn(source: string, field: string, values: string[]): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ value: string }[]>(
      `SELECT v AS value FROM unnest($3::text[]) AS v
       WHERE EXISTS (SELECT 1 FROM gene_evidence
                     WHERE source_name = $1 AND evidence_data -> $2 ? v)`,
      [source, field, values],
    );
    return new Set(rows.map((r) => r.value));
  }
}
