import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface TableSize {
  table: string;
  total_bytes: number;
  rows_estimate: number;
}

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

  async tableSizes(limit: number): Promise<TableSize[]> {
    const rows = await this.dataSource.query<
      { table: string; total_bytes: string; rows_estimate: string }[]
    >(
      `SELECT n.nspname || '.' || c.relname AS table, pg_total_relation_size(c.oid) AS total_bytes,
              greatest(c.reltuples, 0)::bigint AS rows_estimate
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname IN ('public', 'pgboss')
       ORDER BY pg_total_relation_size(c.oid) DESC, 1 LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      table: r.table,
      total_bytes: Number(r.total_bytes),
      rows_estimate: Number(r.rows_estimate),
    }));
  }
}
