import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface SitemapGene {
  id: number;
  approved_symbol: string;
  updated_at: Date;
}

/** The few gene columns the sitemap needs, read in id order and in bounded batches. */
@Injectable()
export class SitemapRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async countGenes(): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM genes',
    );
    return rows[0]?.n ?? 0;
  }

  /** Genes after `afterId` by id (keyset), at most `limit`, skipping `skip` of them first. */
  genes(afterId: number, skip: number, limit: number): Promise<SitemapGene[]> {
    return this.dataSource.query<SitemapGene[]>(
      `SELECT id, approved_symbol, updated_at FROM genes
       WHERE id > $1 ORDER BY id OFFSET $2 LIMIT $3`,
      [afterId, skip, limit],
    );
  }
}
