import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface TableSize {
  table: string;
  total_bytes: number;
  rows_estimate: number;
}

/** Size and queue figures of the shared database. */
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

  async storedCache(): Promise<{ entries: number; bytes: number }> {
    const [row] = await this.dataSource.query<{ entries: number; bytes: string }[]>(
      'SELECT count(*)::int AS entries, coalesce(sum(data_size), 0)::bigint AS bytes FROM cache_entries',
    );
    return { entries: row?.entries ?? 0, bytes: Number(row?.bytes ?? 0) };
  }

  /** Pipeline runs not finished, and job-queue jobs waiting or running, by state. */
  async queueDepth(): Promise<{ runs: Record<string, number>; jobs: Record<string, number> }> {
    const runs = await this.dataSource.query<{ status: string; n: number }[]>(
      `SELECT status, count(*)::int AS n FROM pipeline_runs
       WHERE status IN ('queued', 'running', 'paused', 'cancelling') GROUP BY status`,
    );
    const [exists] = await this.dataSource.query<{ present: boolean }[]>(
      `SELECT to_regclass('pgboss.job') IS NOT NULL AS present`,
    );
    const jobs = exists?.present
      ? await this.dataSource.query<{ status: string; n: number }[]>(
          `SELECT state::text AS status, count(*)::int AS n FROM pgboss.job
           WHERE state IN ('created', 'retry', 'active') GROUP BY state`,
        )
      : [];
    const byStatus = (rows: { status: string; n: number }[]) =>
      Object.fromEntries(rows.map((r) => [r.status, r.n]));
    return { runs: byStatus(runs), jobs: byStatus(jobs) };
  }
}
