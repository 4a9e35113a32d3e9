import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Maintenance of the `gene_scores` materialized view (its reads are in GenesRepository). */
@Injectable()
export class GeneScoresRepository {
  private readonly logger = new Logger(GeneScoresRepository.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Rebuilds the views without blocking their readers, then the scores' visibility map and
   * statistics.
   */
  async refresh(): Promise<void> {
    await this.dataSource.query('REFRESH MATERIALIZED VIEW CONCURRENTLY gene_scores');
    // Built from gene_scores, so after it: the list's tier counts read it.
    await this.dataSource.query('REFRESH MATERIALIZED VIEW CONCURRENTLY gene_scores_facets');
    // A refresh replaces the view's rows wholesale, and autovacuum may take a minute or
    // more to notice. Until then gene lists plan on stale or missing statistics (on 5,000
    // genes a default page took 3.1 ms as a hash join and sort instead of 0.2 ms along the
    // score index), and the rewritten pages are not marked all-visible, so the filtered
    // tier counts' index-only scan would visit the table for every row. Best effort: the
    // views are rebuilt already, and a VACUUM that waits past the statement timeout on
    // another's lock must not keep the caches from being cleared; autovacuum follows.
    await this.dataSource.query('VACUUM (ANALYZE) gene_scores').catch((error: unknown) => {
      this.logger.warn({ err: error }, 'gene_scores not vacuumed after its refresh');
    });
  }
}
