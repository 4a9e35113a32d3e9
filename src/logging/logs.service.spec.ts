import { Logger, type LoggerService } from '@nestjs/common';

import { ValidationFailedError } from '../common/errors/index.js';
import { loadConfig } from '../config/index.js';
import { ListLogsQuery } from './dto/logs.dto.js';
import type { LogFilter, LogRow, LogsRepository } from './logs.repository.js';
import { LogsService, sizeText } from './logs.service.js';
import type { SinkStats, SystemLogSink } from './system-log.sink.js';

beforeAll(() => Logger.overrideLogger(false));

type Page = Parameters<LogsRepository['find']>[3];
type Statistics = Awaited<ReturnType<LogsRepository['statistics']>>;

/** Answers what a test put in it and records how it was asked. */
class FakeLogsRepository implements Pick<
  LogsRepository,
  'find' | 'statistics' | 'purgeOlderThanChunk'
> {
  rows: LogRow[] = [];
  total = 0;
  stats: Statistics = { byLevel: [], loggers: [], timeline: [], table: { rows: 0, bytes: 0 } };
  /** Rows deleted by each successive purge chunk. */
  chunks: number[] = [];
  readonly finds: { filter: LogFilter; sort: string; limit: number; page: Page }[] = [];
  readonly purges: [number, number][] = [];

  find(filter: LogFilter, sort: 'asc' | 'desc', limit: number, page: Page) {
    this.finds.push({ filter, sort, limit, page });
    return Promise.resolve({ rows: this.rows.slice(0, limit), total: this.total });
  }

  statistics(): Promise<Statistics> {
    return Promise.resolve(this.stats);
  }

  purgeOlderThanChunk(days: number, limit: number): Promise<number> {
    this.purges.push([days, limit]);
    return Promise.resolve(this.chunks.shift() ?? 0);
  }
}

function aRow(id: number, at: string): LogRow {
  return {
    id: String(id),
    timestamp: new Date(at),
    level: 'info',
    logger: 'http',
    message: `line ${id}`,
    request_id: null,
    user_id: null,
    run_id: null,
    ip: null,
    user_agent: null,
    method: null,
    path: null,
    status_code: null,
    duration_ms: null,
    error_type: null,
    error_message: null,
    stack: null,
    context: {},
  };
}

function query(fields: Partial<ListLogsQuery>): ListLogsQuery {
  return Object.assign(new ListLogsQuery(), fields);
}

function setup() {
  const repository = new FakeLogsRepository();
  const sink = {
    stats: { buffered: 2, written: 40, dropped: 1, failedFlushes: 0, attached: true },
  } as { stats: SinkStats };
  const service = new LogsService(
    repository as unknown as LogsRepository,
    loadConfig({}),
    sink as unknown as SystemLogSink,
  );
  return { service, repository, sink };
}

describe('LogsService.list', () => {
  it('passes the filters on and pages by offset on the first page', async () => {
    const { service, repository } = setup();
    repository.rows = [aRow(1, '2026-03-01T10:00:00Z')];
    repository.total = 1;
    const from = new Date('2026-03-01T00:00:00Z');
    const page = await service.list(
      query({ level: ['error'], request_id: 'r-1', status_min: 500, q: 'boom', from, limit: 10 }),
    );
    expect(repository.finds).toEqual([
      {
        filter: expect.objectContaining({
          levels: ['error'],
          requestId: 'r-1',
          statusMin: 500,
          text: 'boom',
          from,
        }) as LogFilter,
        sort: 'desc',
        limit: 10,
        page: { offset: undefined, after: undefined },
      },
    ]);
    expect(page.meta).toEqual({ total: 1, limit: 10, offset: 0, next_cursor: null });
    expect(page.data[0]).toMatchObject({ id: '1', timestamp: '2026-03-01T10:00:00.000Z' });
  });

  it('a full page carries a cursor that continues after its last row', async () => {
    const { service, repository } = setup();
    repository.rows = [aRow(8, '2026-03-01T10:00:02Z'), aRow(7, '2026-03-01T10:00:01Z')];
    repository.total = 5;
    const first = await service.list(query({ limit: 2 }));
    expect(first.meta.next_cursor).toEqual(expect.any(String));
    const second = await service.list(query({ limit: 2, cursor: first.meta.next_cursor! }));
    expect(repository.finds[1]?.page.after).toEqual({
      timestamp: new Date('2026-03-01T10:00:01Z'),
      id: '7',
    });
    // Keyset pages have no offset to report.
    expect(second.meta).not.toHaveProperty('offset');
  });

  it.each([
    ['not base64 at all', '***'],
    [
      'an id that is not a number',
      Buffer.from('2026-03-01T10:00:00Z|7;drop').toString('base64url'),
    ],
    ['a time that is not a date', Buffer.from('yesterday|7').toString('base64url')],
    ['no id', Buffer.from('2026-03-01T10:00:00Z').toString('base64url')],
  ])('refuses a cursor with %s', async (_what, cursor) => {
    const { service, repository } = setup();
    await expect(service.list(query({ cursor }))).rejects.toBeInstanceOf(ValidationFailedError);
    expect(repository.finds).toEqual([]);
  });
});

describe('LogsService.statistics', () => {
  it('sums the levels and rounds each hour’s error rate, 0 for an empty hour', async () => {
    const { service, repository, sink } = setup();
    repository.stats = {
      byLevel: [
        { level: 'info', n: 7 },
        { level: 'error', n: 3 },
      ],
      loggers: [{ logger: 'http', n: 9 }],
      timeline: [
        { hour: new Date('2026-03-01T10:00:00Z'), total: 3, errors: 1 },
        { hour: new Date('2026-03-01T11:00:00Z'), total: 0, errors: 0 },
      ],
      table: { rows: 10, bytes: 8192 },
    };
    const stats = await service.statistics(24);
    expect(stats).toEqual({
      hours: 24,
      total: 10,
      by_level: { info: 7, error: 3 },
      top_loggers: [{ logger: 'http', count: 9 }],
      timeline: [
        { hour: '2026-03-01T10:00:00.000Z', total: 3, errors: 1, error_rate: 0.3333 },
        { hour: '2026-03-01T11:00:00.000Z', total: 0, errors: 0, error_rate: 0 },
      ],
      table: { rows: 10, bytes: 8192 },
      writer: { buffered: 2, written: 40, dropped: 1, failedFlushes: 0, attached: true },
      storage: { total_rows: 10, table_size: '8192 bytes' },
      level_distribution: [
        { level: 'INFO', count: 7 },
        { level: 'ERROR', count: 3 },
      ],
    });
    // A snapshot of the writer's counters, not the live object.
    sink.stats.written = 41;
    expect(stats.writer.written).toBe(40);
  });
});

describe('sizeText', () => {
  it('writes sizes as the original did, switching unit past ten of the next', () => {
    expect(sizeText(0)).toBe('0 bytes');
    expect(sizeText(10_239)).toBe('10239 bytes');
    expect(sizeText(10_240)).toBe('10 kB');
    expect(sizeText(5 * 1024 * 1024)).toBe('5120 kB');
    expect(sizeText(50 * 1024 * 1024)).toBe('50 MB');
  });
});

describe('LogsService.purgeOlderThan', () => {
  it('deletes in chunks of 5000 until a chunk comes back short', async () => {
    const { service, repository } = setup();
    repository.chunks = [5000, 5000, 12, 999];
    expect(await service.purgeOlderThan(30)).toBe(10_012);
    expect(repository.purges).toEqual([
      [30, 5000],
      [30, 5000],
      [30, 5000],
    ]);
  });

  it('stops after one empty chunk', async () => {
    const { service, repository } = setup();
    expect(await service.purgeOlderThan(7)).toBe(0);
    expect(repository.purges).toHaveLength(1);
  });
});

describe('LogsService.recordClientLog', () => {
  const seen: [string, unknown, unknown, unknown][] = [];
  const capture = (level: string) => (fields: unknown, message: unknown, context: unknown) =>
    seen.push([level, fields, message, context]);
  const logger: LoggerService = {
    log: capture('log'),
    warn: capture('warn'),
    error: capture('error'),
    debug: capture('debug'),
    verbose: capture('verbose'),
  };
  beforeAll(() => Logger.overrideLogger(logger));
  afterAll(() => Logger.overrideLogger(false));

  it('logs front-end errors at their level as logger "frontend", with the client fields', () => {
    const { service } = setup();
    seen.length = 0;
    for (const level of ['error', 'warn', 'info'] as const) {
      service.recordClientLog(
        { level, message: `${level} in the UI`, url: 'https://kg.example/genes' },
        '10.1.2.3',
      );
    }
    expect(seen.map(([level, , message, context]) => [level, message, context])).toEqual([
      ['error', 'error in the UI', 'frontend'],
      ['warn', 'warn in the UI', 'frontend'],
      ['log', 'info in the UI', 'frontend'],
    ]);
    expect(seen[0]?.[1]).toEqual({
      client: {
        url: 'https://kg.example/genes',
        stack: undefined,
        user_agent: undefined,
        context: undefined,
        ip: '10.1.2.3',
      },
    });
  });
});
