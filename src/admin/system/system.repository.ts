import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Where a table's row figure comes from (see tableSizes). */
export type RowsSource = 'planner' | 'count' | 'statistics';

export interface TableSize {
  table: string;
  total_bytes: number;
  rows_estimate: number;
  rows_source: RowsSource;
}

/** Heap size up to which a never-analysed table is counted exactly (a fast scan). */
const EXACT_COUNT_MAX_BYTES = 8 * 1024 * 1024;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Size figures of the shared database. */
@Injectable()
export class SystemRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async databaseBytes(): Promise<number> {
    const [row] = await this.dataSource.query<{ bytes: string }[]>(
      'SELECT pg_database_size(current_database()) AS bytes',
    );
    return Number(row?.bytes ?? 0);
  }

  /**
   * The largest tables with a row figure. `pg_class.reltuples` is -1 until a table's
   * first VACUUM or ANALYZE, which is not "no rows": such a table is counted exactly when
   * its heap is small (`count`), else the cumulative statistics' live-row count is used
   * (`statistics`); analysed tables report the planner's estimate (`planner`).
   */
  async tableSizes(limit: number): Promise<TableSize[]> {
    const rows = await this.dataSource.query<
      {
        schema: string;
        name: string;
        total_bytes: string;
        heap_bytes: string;
        reltuples: number;
        live_rows: string | null;
      }[]
    >(
      `SELECT n.nspname AS schema, c.relname AS name, pg_total_relation_size(c.oid) AS total_bytes,
              pg_relation_size(c.oid) AS heap_bytes, c.reltuples::float8 AS reltuples,
              s.n_live_tup AS live_rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
       WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname IN ('public', 'pgboss')
       ORDER BY pg_total_relation_size(c.oid) DESC, n.nspname || '.' || c.relname LIMIT $1`,
      [limit],
    );
    const sizes: TableSize[] = [];
    for (const r of rows) {
      const table = `${r.schema}.${r.name}`;
      const total_bytes = Number(r.total_bytes);
      if (r.reltuples >= 0) {
        sizes.push({
          table,
          total_bytes,
          rows_estimate: Math.round(r.reltuples),
          rows_source: 'planner',
        });
      } else if (Number(r.heap_bytes) <= EXACT_COUNT_MAX_BYTES) {
        const [counted] = await this.dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM ${quoteIdent(r.schema)}.${quoteIdent(r.name)}`,
        );
        sizes.push({
          table,
          total_bytes,
          rows_estimate: Number(counted?.n ?? 0),
          rows_source: 'count',
        });
      } else {
        sizes.push({
          table,
          total_bytes,
          rows_estimate: Number(r.live_rows ?? 0),
          rows_source: 'statistics',
        });
      }
    }
    return sizes;
  }
}
