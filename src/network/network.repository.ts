import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import type { Interaction, NetworkGene } from './graph/ppi-graph.js';

/** What the stored STRING annotation of a gene set says about itself. */
export interface StringCoverage {
  /** STRING release of the stored rows (the newest, if they differ). */
  version: string | null;
  /** The score threshold the rows were stored with: lower requested thresholds see no more. */
  storedMinScore: number | null;
  /** Requested genes with a stored STRING annotation. */
  annotatedGenes: number;
}

/**
 * Every stored interaction among the genes `$1` at or above `$2`, one row per pair (its
 * maximum score). jsonb_to_recordset reads the two fields typed, in one pass over each
 * gene's list; unordered (dedupeInteractions sorts). At 700 genes and 8,000 stored
 * interactions this took 7 ms where extracting each field as text and ordering the pairs
 * took 24. The network bench times it as its baseline.
 */
export const INTERACTIONS_SQL = `SELECT least(a.gene_id, p.partner_gene_id) AS a, greatest(a.gene_id, p.partner_gene_id) AS b,
              max(p.string_score) AS score
       FROM gene_annotations a
       CROSS JOIN LATERAL jsonb_to_recordset(a.annotations->'interactions')
         AS p(partner_gene_id int, string_score int)
       WHERE a.source = 'string_ppi' AND a.gene_id = ANY($1::int[])
         AND jsonb_typeof(a.annotations->'interactions') = 'array'
         AND p.partner_gene_id = ANY($1::int[]) AND p.partner_gene_id <> a.gene_id
         AND p.string_score >= $2
       GROUP BY 1, 2`;

/** SQL of the network module: genes and their stored STRING interactions. */
@Injectable()
export class NetworkRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async genes(ids: readonly number[]): Promise<NetworkGene[]> {
    return this.dataSource.query<NetworkGene[]>(
      `SELECT id, approved_symbol AS symbol FROM genes WHERE id = ANY($1::int[]) ORDER BY id`,
      [ids],
    );
  }

  /**
   * Every stored interaction between two of `ids` at or above `minScore`, one row per
   * pair (its maximum score), in one set-based statement over the genes' STRING rows.
   */
  async interactions(ids: readonly number[], minScore: number): Promise<Interaction[]> {
    const rows = await this.dataSource.query<{ a: number; b: number; score: number }[]>(
      INTERACTIONS_SQL,
      [ids, minScore],
    );
    return rows;
  }

  async stringCoverage(ids: readonly number[]): Promise<StringCoverage> {
    const [row] = await this.dataSource.query<
      { version: string | null; min_score: number | null; genes: number }[]
    >(
      `SELECT max(version) AS version, max((annotations->>'min_score')::int) AS min_score,
              count(*)::int AS genes
       FROM gene_annotations
       WHERE source = 'string_ppi' AND gene_id = ANY($1::int[])
         AND jsonb_typeof(annotations->'interactions') = 'array'`,
      [ids],
    );
    return { version: row.version, storedMinScore: row.min_score, annotatedGenes: row.genes };
  }

  async symbols(ids: readonly number[]): Promise<Map<number, string>> {
    const rows = await this.genes(ids);
    return new Map(rows.map((r) => [r.id, r.symbol]));
  }
}
