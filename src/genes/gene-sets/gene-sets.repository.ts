import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import type { GeneSetLibraryInfo, GeneSetTerm, LocalGene } from './gene-sets.types.js';

/** Terms per INSERT: bounded statements whatever the library's size. */
const INSERT_BATCH = 2000;

/** SQL for gene_set_libraries and gene_set_terms. */
@Injectable()
export class GeneSetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Replaces a library's terms in one transaction: readers see the old library or the new
   * one, never a mix. Terms without genes are not stored.
   */
  async replace(
    library: { name: string; source: string; version: string },
    terms: readonly GeneSetTerm[],
  ): Promise<{ terms: number; genes: number }> {
    const kept = terms.filter((t) => t.genes.length > 0);
    const genes = new Set<number>();
    for (const t of kept) {
      for (const g of t.genes) {
        genes.add(g);
      }
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO gene_set_libraries (name, source, version, term_count, gene_count, loaded_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (name) DO UPDATE SET source = excluded.source, version = excluded.version,
           term_count = excluded.term_count, gene_count = excluded.gene_count, loaded_at = now()`,
        [library.name, library.source, library.version, kept.length, genes.size],
      );
      await manager.query(`DELETE FROM gene_set_terms WHERE library = $1`, [library.name]);
      for (let i = 0; i < kept.length; i += INSERT_BATCH) {
        const batch = kept.slice(i, i + INSERT_BATCH);
        await manager.query(
          `INSERT INTO gene_set_terms (library, term_id, term_name, gene_ids)
           SELECT $1, t.id, t.name, t.genes::int[]
           FROM unnest($2::text[], $3::text[], $4::text[]) AS t(id, name, genes)`,
          [
            library.name,
            batch.map((t) => t.id),
            batch.map((t) => t.name),
            batch.map((t) => `{${[...new Set(t.genes)].sort((a, b) => a - b).join(',')}}`),
          ],
        );
      }
    });
    return { terms: kept.length, genes: genes.size };
  }

  /** Every library, or the one named `name`. */
  async libraries(name: string | null = null): Promise<GeneSetLibraryInfo[]> {
    const rows = await this.dataSource.query<
      {
        name: string;
        source: string;
        version: string;
        term_count: number;
        gene_count: number;
        loaded_at: Date;
      }[]
    >(
      `SELECT name, source, version, term_count, gene_count, loaded_at
       FROM gene_set_libraries WHERE $1::text IS NULL OR name = $1 ORDER BY name`,
      [name],
    );
    return rows.map((r) => ({
      name: r.name,
      source: r.source,
      version: r.version,
      termCount: r.term_count,
      geneCount: r.gene_count,
      loadedAt: r.loaded_at,
    }));
  }

  async terms(library: string): Promise<GeneSetTerm[]> {
    const rows = await this.dataSource.query<
      { term_id: string; term_name: string; gene_ids: number[] }[]
    >(
      `SELECT term_id, term_name, gene_ids FROM gene_set_terms
       WHERE library = $1 ORDER BY term_id`,
      [library],
    );
    return rows.map((r) => ({ id: r.term_id, name: r.term_name, genes: r.gene_ids }));
  }

  /** Every gene with the names and ids a gene-set file may use for it. */
  async localGenes(): Promise<LocalGene[]> {
    const rows = await this.dataSource.query<
      { id: number; symbol: string; hgnc_id: string; ncbi_gene_id: string | null }[]
    >(
      `SELECT g.id, g.approved_symbol AS symbol, g.hgnc_id,
              nullif(coalesce(h.annotations->>'ncbi_gene_id', h.annotations->>'entrez_id'), '') AS ncbi_gene_id
       FROM genes g
       LEFT JOIN gene_annotations h ON h.gene_id = g.id AND h.source = 'hgnc'
       ORDER BY g.id`,
    );
    return rows.map((r) => ({
      id: r.id,
      symbol: r.symbol,
      hgncId: r.hgnc_id,
      ncbiGeneId: r.ncbi_gene_id,
    }));
  }
}
