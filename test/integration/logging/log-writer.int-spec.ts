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
      env: { LOG_DB_FLUSH_MS: '600000', LOG_DB_BATCH_SIZE: '1000' },
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
