import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { containsPattern, escapeLike } from '../common/database/like-pattern.js';
import { LOG_SORT_COLUMNS, type LogSortColumn, type StoredLevel } from './dto/logs.dto.js';

export interface LogFilter {
  levels?: StoredLevel[];
  logger?: string;
  /** Case-insensitive text in the logger name. */
  loggerContains?: string;
  requestId?: string;
  userId?: number;
  path?: string;
  statusMin?: number;
  statusMax?: number;
  text?: string;
  from?: Date;
  to?: Date;
}

export interface LogRow {
  id: string;
  timestamp: Date;
  level: string;
  logger: string | null;
  message: string;
  request_id: string | null;
  user_id: number | null;
  run_id: string | null;
  ip: string | null;
  user_agent: string | null;
  method: string | null;
  path: string | null;
  status_code: number | null;
  duration_ms: number | null;
  error_type: string | null;
  error_message: string | null;
  stack: string | null;
  context: Record<string, unknown>;
}

/** Builds a WHERE clause from the filter with numbered parameters. */
function where(filter: LogFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.levels?.length) {
    add('level = ANY(?)', filter.levels);
  }
  if (filter.logger) {
    add('logger = ?', filter.logger);
  }
  if (filter.loggerContains) {
    add("logger ILIKE ? ESCAPE '\\'", containsPattern(filter.loggerContains));
  }
  if (filter.requestId) {
    add('request_id = ?', filter.requestId);
  }
  if (filter.userId !== undefined) {
    add('user_id = ?', filter.userId);
  }
  if (filter.path) {
    if (filter.path.endsWith('*')) {
      add("path LIKE ? ESCAPE '\\'", `${escapeLike(filter.path.slice(0, -1))}%`);
    } else {
      add('path = ?', filter.path);
    }
  }
  if (filter.statusMin !== undefined) {
    add('status_code >= ?', filter.statusMin);
  }
  if (filter.statusMax !== undefined) {
    add('status_code <= ?', filter.statusMax);
  }
  if (filter.text) {
    add("message ILIKE ? ESCAPE '\\'", containsPattern(filter.text));
  }
  if (filter.from) {
    add('"timestamp" >= ?', filter.from);
  }
  if (filter.to) {
    add('"timestamp" <= ?', filter.to);
  }
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

@Injectable()
export class LogsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One page of records. `orderBy` other than the timestamp sorts by that column (nulls
   * last), then by time and id so pages are stable; keyset paging (`after`) needs the
   * timestamp order.
   */
  async find(
    filter: LogFilter,
    sort: 'asc' | 'desc',
    limit: number,
    page: { offset?: number; after?: { timestamp: Date; id: string } },
    orderBy: LogSortColumn = 'timestamp',
  ): Promise<{ rows: LogRow[]; total: number }> {
    const params: unknown[] = [];
    const base = where(filter, params);
    const countParams = [...params];
    let keyset = '';
    if (page.after) {
      params.push(page.after.timestamp, page.after.id);
      const op = sort === 'desc' ? '<' : '>';
      keyset = `${base ? ' AND' : 'WHERE'} ("timestamp", id) ${op} ($${params.length - 1}, $${params.length}::bigint)`;
    }
    params.push(limit, page.after ? 0 : (page.offset ?? 0));
    const dir = sort === 'desc' ? 'DESC' : 'ASC';
    if (!LOG_SORT_COLUMNS.includes(orderBy)) {
      throw new Error(`not a sortable log column: ${orderBy}`);
    }
    const first = orderBy === 'timestamp' ? '' : `"${orderBy}" ${dir} NULLS LAST, `;
    const [rows, count] = await Promise.all([
      this.dataSource.query<LogRow[]>(
        `SELECT * FROM system_logs ${base}${keyset}
         ORDER BY ${first}"timestamp" ${dir}, id ${dir} LIMIT $${params.length - 1} OFFSET $${params.length}`,
        params,
      ),
      this.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM system_logs ${base}`,
        countParams,
      ),
    ]);
    return { rows, total: count[0]?.n ?? 0 };
  }

  async statistics(hours: number): Promise<{
    byLevel: { level: string; n: number }[];
    loggers: { logger: string; n: number }[];
    timeline: { hour: Date; total: number; errors: number }[];
    table: { rows: number; bytes: number };
  }> {
    const since = `now() - make_interval(hours => $1)`;
    const [byLevel, loggers, timeline, table] = await Promise.all([
      this.dataSource.query<{ level: string; n: number }[]>(
        `SELECT level, count(*)::int AS n FROM system_logs WHERE "timestamp" >= ${since} GROUP BY level`,
        [hours],
      ),
      this.dataSource.query<{ logger: string; n: number }[]>(
        `SELECT coalesce(logger, '(none)') AS logger, count(*)::int AS n FROM system_logs
         WHERE "timestamp" >= ${since} GROUP BY 1 ORDER BY n DESC, logger LIMIT 10`,
        [hours],
      ),
      this.dataSource.query<{ hour: Date; total: number; errors: number }[]>(
        `SELECT date_trunc('hour', "timestamp") AS hour, count(*)::int AS total,
                count(*) FILTER (WHERE level IN ('error', 'fatal'))::int AS errors
         FROM system_logs WHERE "timestamp" >= ${since} GROUP BY 1 ORDER BY 1`,
        [hours],
      ),
      this.dataSource.query<{ rows: string; bytes: string }[]>(
        `SELECT greatest(c.reltuples, 0)::bigint AS rows, pg_total_relation_size(c.oid) AS bytes
         FROM pg_class c WHERE c.relname = 'system_logs'`,
      ),
    ]);
    return {
      byLevel,
      loggers,
      timeline,
      table: { rows: Number(table[0]?.rows ?? 0), bytes: Number(table[0]?.bytes ?? 0) },
    };
  }

  /** Deletes up to `limit` rows older than `days`; returns how many. */
  async purgeOlderThanChunk(days: number, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM system_logs WHERE id IN (
         SELECT id FROM system_logs WHERE "timestamp" < now() - make_interval(days => $1) LIMIT $2)`,
      [days, limit],
    );
    return count;
  }
}
