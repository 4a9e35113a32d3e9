import pg from 'pg';

import { SYSTEM_LOG_SINK } from '../../../src/logging/logging.module.js';
import type { SystemLogSink } from '../../../src/logging/system-log.sink.js';
import { createTestApp } from '../../support/app-factory.js';
import { ProbeModule } from '../../support/probe.module.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

// Every test here reads its own request ids, so they share one database and connection.
let db: TestDatabase;
const sql = testDb(() => db.url);
const count = (where: string) => sql.count('system_logs', where);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await sql.close();
  await db.drop();
});

describe('system_logs writer', () => {
  it('answers level filters without info from the level index, as the log listing sends them', async () => {
    await sql.exec('BEGIN');
    try {
      await sql.exec('SET LOCAL enable_seqscan = off');
      const plan = async (levels: string[]) =>
        (
          await sql.rows<{ 'QUERY PLAN': string }>(
            'EXPLAIN SELECT count(*)::int AS n FROM system_logs WHERE level = ANY($1)',
            [levels],
          )
        )
          .map((row) => row['QUERY PLAN'])
          .join('\n');
      expect(await plan(['error', 'warn'])).toContain('ix_system_logs_level_timestamp_not_info');
      expect(await plan(['info', 'error'])).not.toContain(
        'ix_system_logs_level_timestamp_not_info',
      );
    } finally {
      await sql.exec('ROLLBACK');
    }
  });

  it('flushes what is buffered when the app shuts down', async () => {
    const t = await createTestApp({
      databaseUrl: db.url,
      imports: [ProbeModule],
      env: { LOG_DB_FLUSH_MS: '600000', LOG_DB_BATCH_SIZE: '1000', LOG_DB_REQUESTS: 'all' },
    });
    for (let i = 0; i < 5; i++) {
      await t.http().get('/health/live').set('X-Request-ID', `shutdown-${i}`);
    }
    await t
      .http()
      .post('/__probe/log')
      .set('X-Request-ID', 'shutdown-flush')
      .send({ a: 1 })
      .expect(201);
    expect(await count("request_id = 'shutdown-flush'")).toBe(0);
    await t.close();
    expect(await count("request_id = 'shutdown-flush'")).toBe(2);
  });

  it('keeps serving while the database is unreachable, with a bounded buffer, then catches up', async () => {
    const proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
    // The app's own pool goes direct; only the log writer's connections go through the
    // proxy, so cutting it isolates the writer's outage.
    const t = await createTestApp({
      databaseUrl: db.url,
      imports: [ProbeModule],
      env: { LOG_DB_FLUSH_MS: '20', LOG_DB_BATCH_SIZE: '20', LOG_DB_BUFFER_MAX: '100' },
    });
    // Re-point the writer at the proxy.
    const viaProxy = new pg.Pool({
      connectionString: proxy.urlThrough(db.url),
      max: 2,
      connectionTimeoutMillis: 300,
    });
    viaProxy.on('error', () => undefined);
    try {
      const sink = t.app.get<SystemLogSink>(SYSTEM_LOG_SINK);
      sink.attach(viaProxy);
      await t.http().get('/health/live').expect(200);
      proxy.cut();
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) {
        statuses.push(
          (await t.http().post('/__probe/log').set('X-Request-ID', `outage-${i}`).send({ i }))
            .status,
        );
      }
      expect(statuses.every((s) => s === 201)).toBe(true);
      expect(await eventually(() => sink.stats.failedFlushes > 0)).toBe(true);
      expect(sink.stats.buffered).toBeLessThanOrEqual(100);
      expect(sink.stats.dropped).toBeGreaterThan(0);

      proxy.restore();
      await t.http().post('/__probe/log').set('X-Request-ID', 'after-outage').send({}).expect(201);
      expect(
        await eventually(async () => (await count("request_id = 'after-outage'")) > 0, 40_000),
      ).toBe(true);
      // The newest records of the outage survived (the unit test covers oldest-first dropping).
      expect(await count("request_id = 'outage-299'")).toBeGreaterThan(0);
    } finally {
      await t.close();
      await viaProxy.end();
      await proxy.stop();
    }
  });
});

describe('system_logs writer with a malformed record', () => {
  it('writes the valid records of a batch and drops only the bad one', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const { SystemLogSink } = await import('../../../src/logging/system-log.sink.js');
      const sink = new SystemLogSink(10, 60_000, 100);
      sink.attach(pool);
      sink.write(JSON.stringify({ level: 'info', msg: 'first', request_id: 'mixed' }));
      sink.write('{"level": "info", "msg": truncated');
      sink.write(JSON.stringify({ level: 'warn', msg: 'third', request_id: 'mixed' }));
      await sink.close();
      expect(sink.stats).toMatchObject({ written: 2, dropped: 1 });
      expect(await count("request_id = 'mixed'")).toBe(2);
    } finally {
      await pool.end();
    }
  });
});

describe('system_logs writer batches', () => {
  it('writes a full batch without waiting for the flush timer its first record started', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const { SystemLogSink } = await import('../../../src/logging/system-log.sink.js');
    const sink = new SystemLogSink(10, 600_000, 100);
    try {
      sink.attach(pool);
      const line = (i: number) =>
        JSON.stringify({ level: 'info', msg: `m${i}`, request_id: 'full-batch' });
      // Attaching writes what waits; the next record then starts the (long) flush timer.
      sink.write(line(0));
      expect(await eventually(() => sink.stats.written === 1)).toBe(true);
      for (let i = 1; i <= 10; i++) {
        sink.write(line(i));
      }
      expect(await eventually(async () => (await count("request_id = 'full-batch'")) === 11)).toBe(
        true,
      );
    } finally {
      await sink.close();
      await pool.end();
    }
  });

  it('stores every field as logged, characters COPY treats specially included', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const { SystemLogSink } = await import('../../../src/logging/system-log.sink.js');
    const sink = new SystemLogSink(10, 60_000, 100);
    const message = 'tab\there, back\\slash, line\r\nbreak, \\N, ünïcödé ✓';
    try {
      sink.attach(pool);
      sink.write(
        `${JSON.stringify({
          level: 'warn',
          time: '2026-02-03T04:05:06.789Z',
          request_id: 'special-chars',
          user_id: 3,
          req: { method: 'POST', url: '/a/b?secret=1', ip: '10.0.0.9', user_agent: 'ua\tx' },
          res: { status_code: 404 },
          duration_ms: 12.5,
          err: { type: 'Error', message, stack: 'Error\n  at y' },
          msg: message,
          detail: { note: message, n: [1, null, true] },
        })}\n`,
      );
      await sink.close();
      expect(sink.stats).toMatchObject({ written: 1, dropped: 0 });
      const row = await sql.one(
        `SELECT timestamp = '2026-02-03T04:05:06.789Z'::timestamptz AS at_time, level, logger,
           message, user_id, ip, user_agent, method, path, status_code, duration_ms, error_type,
           error_message, stack, context
         FROM system_logs WHERE request_id = 'special-chars'`,
      );
      expect(row).toEqual({
        at_time: true,
        level: 'warn',
        logger: 'http',
        message,
        user_id: 3,
        ip: '10.0.0.9',
        user_agent: 'ua\tx',
        method: 'POST',
        path: '/a/b',
        status_code: 404,
        duration_ms: 12.5,
        error_type: 'Error',
        error_message: message,
        stack: 'Error\n  at y',
        context: { detail: { note: message, n: [1, null, true] } },
      });
    } finally {
      await pool.end();
    }
  });

  it('drops only the record whose value PostgreSQL refuses', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const { SystemLogSink } = await import('../../../src/logging/system-log.sink.js');
    const sink = new SystemLogSink(10, 60_000, 100);
    try {
      sink.attach(pool);
      sink.write(JSON.stringify({ level: 'info', msg: 'ok', request_id: 'refused' }));
      sink.write(JSON.stringify({ level: 'info', time: 'not a time', request_id: 'refused' }));
      sink.write(JSON.stringify({ level: 'info', user_id: 2 ** 40, request_id: 'refused' }));
      await sink.close();
      expect(sink.stats).toMatchObject({ written: 1, dropped: 2 });
      expect(await count("request_id = 'refused'")).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
