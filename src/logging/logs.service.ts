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
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const { rows, total } = await this.repository.find(
      {
        levels: query.level,
        logger: query.logger,
        requestId: query.request_id,
        userId: query.user_id,
        path: query.path,
        statusMin: query.status_min,
        statusMax: query.status_max,
        text: query.q,
        from: query.from,
        to: query.to,
      },
      query.sort,
      query.limit,
      { offset: query.offset, after },
    );
    const last = rows.at(-1);
    return {
      data: rows.map(toRecord),
      meta: {
        total,
        limit: query.limit,
        ...(after ? {} : { offset: query.offset ?? 0 }),
        next_cursor: rows.length === query.limit && last ? encodeCursor(last) : null,
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
