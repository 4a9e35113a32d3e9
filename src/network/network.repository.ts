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
      `SELECT least(a.gene_id, p.partner) AS a, greatest(a.gene_id, p.partner) AS b,
              max(p.score)::int AS score
       FROM gene_annotations a
       CROSS JOIN LATERAL (
         SELECT (i->>'partner_gene_id')::int AS partner, (i->>'string_score')::int AS score
         FROM jsonb_array_elements(a.annotations->'interactions') i
       ) p
       WHERE a.source = 'string_ppi' AND a.gene_id = ANY($1::int[])
         AND jsonb_typeof(a.annotations->'interactions') = 'array'
         AND p.partner = ANY($1::int[]) AND p.partner <> a.gene_id AND p.score >= $2
       GROUP BY 1, 2
       ORDER BY 1, 2`,
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
