import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { runInBackground } from '../common/background.js';
import { ValidationFailedError } from '../common/errors/index.js';
import { AppConfig } from '../config/index.js';
import type {
  ClientLogRequest,
  LegacyLogRecord,
  ListLogsQuery,
  LogListResponse,
  LogRecord,
  LogStatisticsResponse,
} from './dto/logs.dto.js';
import { type LogRow, LogsRepository } from './logs.repository.js';
import type { SystemLogSink } from './system-log.sink.js';

export const SYSTEM_LOG_SINK_TOKEN = Symbol.for('kgdb.system-log-sink');
const PURGE_CHUNK = 5000;
const RETENTION_EVERY_MS = 60 * 60 * 1000;

function encodeCursor(row: LogRow): string {
  return Buffer.from(`${row.timestamp.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { timestamp: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const timestamp = new Date(time ?? '');
  if (!id || !/^\d+$/.test(id) || Number.isNaN(timestamp.getTime())) {
    throw new ValidationFailedError([{ field: 'cursor', messages: ['cursor is not valid'] }]);
  }
  return { timestamp, id };
}

function toRecord(row: LogRow): LogRecord {
  return { ...row, id: String(row.id), timestamp: row.timestamp.toISOString() };
}

/** Stored level → the original's name for it (the original Log viewer filters and colours by it). */
const LEGACY_LEVEL: Record<string, string> = { warn: 'WARNING', fatal: 'CRITICAL' };
const legacyLevel = (level: string) => LEGACY_LEVEL[level] ?? level.toUpperCase();

/** A record in the original's field names; bodies, query strings and headers are never stored. */
function toLegacyRecord(r: LogRecord): LegacyLogRecord {
  return {
    id: r.id,
    timestamp: r.timestamp,
    level: legacyLevel(r.level),
    source: r.logger,
    message: r.message,
    method: r.method,
    path: r.path,
    status_code: r.status_code,
    duration_ms: r.duration_ms,
    request_id: r.request_id,
    user_id: r.user_id,
    ip_address: r.ip,
    user_agent: r.user_agent,
    error_type: r.error_type,
    error_message: r.error_message,
    stack_trace: r.stack,
    context: r.context,
    request_body: null,
    query_params: null,
    headers: null,
    client_info: { ip_address: r.ip, user_agent: r.user_agent },
  };
}

/** Bytes as the short text the original showed (`pg_size_pretty` style, binary units). */
export function sizeText(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 10 * 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Math.round(value)} ${units[unit]}`;
}

/** Both bounds given (ours and the original's name): the narrower one wins. */
const latest = (a?: Date, b?: Date) => (a && b ? (a > b ? a : b) : (a ?? b));
const earliest = (a?: Date, b?: Date) => (a && b ? (a < b ? a : b) : (a ?? b));

/** Log queries, statistics, retention and front-end error intake. */
@Injectable()
export class LogsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LogsService.name);
  private readonly frontend = new Logger('frontend');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: LogsRepository,
    private readonly config: AppConfig,
    @Inject(SYSTEM_LOG_SINK_TOKEN) private readonly sink: SystemLogSink,
  ) {}

  onApplicationBootstrap(): void {
    const purge = () =>
      runInBackground(this.logger, 'log retention', () =>
        this.purgeOlderThan(this.config.log.retentionDays),
      );
    this.timer = setInterval(purge, RETENTION_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
  }

  async list(query: ListLogsQuery): Promise<LogListResponse> {
    const orderBy = query.sort_by ?? 'timestamp';
    if (query.cursor && orderBy !== 'timestamp') {
      throw new ValidationFailedError([
        { field: 'cursor', messages: ['cursor paging needs sort_by=timestamp; use offset'] },
      ]);
    }
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const sort = query.sort_order ?? query.sort;
    const { rows, total } = await this.repository.find(
      {
        levels: query.level,
        logger: query.logger,
        loggerContains: query.source,
        requestId: query.request_id,
        userId: query.user_id,
        path: query.path,
        statusMin: query.status_min,
        statusMax: query.status_max,
        text: query.q,
        from: latest(query.from, query.start_time),
        to: earliest(query.to, query.end_time),
      },
      sort,
      query.limit,
      { offset: query.offset, after },
      orderBy,
    );
    const last = rows.at(-1);
    const data = rows.map(toRecord);
    const offset = after ? 0 : (query.offset ?? 0);
    return {
      data,
      meta: {
        total,
        limit: query.limit,
        ...(after ? {} : { offset }),
        next_cursor:
          orderBy === 'timestamp' && rows.length === query.limit && last
            ? encodeCursor(last)
            : null,
      },
      logs: data.map(toLegacyRecord),
      pagination: {
        total,
        limit: query.limit,
        offset,
        has_more: after ? rows.length === query.limit : offset + rows.length < total,
      },
    };
  }

  async statistics(hours: number): Promise<LogStatisticsResponse> {
    const stats = await this.repository.statistics(hours);
    const byLevel = Object.fromEntries(stats.byLevel.map((r) => [r.level, r.n]));
    return {
      hours,
      total: stats.byLevel.reduce((n, r) => n + r.n, 0),
      by_level: byLevel,
      top_loggers: stats.loggers.map((r) => ({ logger: r.logger, count: r.n })),
      timeline: stats.timeline.map((b) => ({
        hour: b.hour.toISOString(),
        total: b.total,
        errors: b.errors,
        error_rate: b.total === 0 ? 0 : Math.round((b.errors / b.total) * 10_000) / 10_000,
      })),
      table: stats.table,
      writer: { ...this.sink.stats },
      storage: { total_rows: stats.table.rows, table_size: sizeText(stats.table.bytes) },
      level_distribution: stats.byLevel.map((r) => ({ level: legacyLevel(r.level), count: r.n })),
    };
  }

  /** Deletes rows older than `days` in chunks, yielding between them. */
  async purgeOlderThan(days: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const n = await this.repository.purgeOlderThanChunk(days, PURGE_CHUNK);
      deleted += n;
      if (n < PURGE_CHUNK) {
        break;
      }
      await yieldToEventLoop();
    }
    if (deleted > 0) {
      this.logger.log({ deleted, days }, 'old log rows purged');
    }
    return deleted;
  }

  /** Front-end errors go through the logger (redaction included) as logger "frontend". */
  recordClientLog(entry: ClientLogRequest, ip: string | undefined): void {
    const fields = {
      client: {
        url: entry.url,
        stack: entry.stack,
        user_agent: entry.user_agent,
        context: entry.context,
        ip,
      },
    };
    if (entry.level === 'error') {
      this.frontend.error(fields, entry.message);
    } else if (entry.level === 'warn') {
      this.frontend.warn(fields, entry.message);
    } else {
      this.frontend.log(fields, entry.message);
    }
  }
}
