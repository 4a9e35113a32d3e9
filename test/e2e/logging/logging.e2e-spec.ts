import { SYSTEM_LOG_SINK } from '../../../src/logging/logging.module.js';
import type { SystemLogSink } from '../../../src/logging/system-log.sink.js';
import { createTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { ProbeModule } from '../../support/probe.module.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

describe('log persistence and admin log queries', () => {
  let t: TestApp;
  let token: string;
  let sink: SystemLogSink;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [ProbeModule],
      // Every request line stored: the tests read back rows of successful requests too.
      env: {
        LOG_DB_FLUSH_MS: '50',
        LOG_DB_REQUESTS: 'all',
        SLOW_REQUEST_MS: '200',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    token = (await loginAdmin(t)).accessToken;
    sink = t.app.get<SystemLogSink>(SYSTEM_LOG_SINK);
  });
  const db = testDb(() => t.database!.url);
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  /** Rows of system_logs and friends, once what the writer buffers is stored. */
  async function rows<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    await sink.flush();
    return db.rows<T>(sql, params);
  }

  it('stores request lines with their columns filled', async () => {
    await t
      .http()
      .get('/__probe/missing/HGNC:1')
      .set('X-Request-ID', 'persist-1')
      .set('User-Agent', 'probe/1.0');
    const [row] = await rows(
      "SELECT * FROM system_logs WHERE request_id = 'persist-1' AND logger = 'http'",
    );
    expect(row).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/__probe/missing/HGNC:1',
      status_code: 404,
      user_agent: 'probe/1.0',
      ip: expect.stringContaining('127.0.0.1'),
    });
    expect(row.duration_ms).toEqual(expect.any(Number));
    expect((row.context as { route?: string }).route).toBe('/__probe/missing/:id');
  });

  it('stores service lines with the request id and the class as logger', async () => {
    await t
      .http()
      .post('/__probe/log')
      .set('X-Request-ID', 'persist-2')
      .send({ gene: 'NPHS1' })
      .expect(201);
    const found = await rows<{ logger: string; message: string }>(
      "SELECT logger, message FROM system_logs WHERE request_id = 'persist-2' ORDER BY id",
    );
    expect(found).toContainEqual({
      logger: 'ProbeService',
      message: 'probe service saw a payload',
    });
  });

  it('stores error type, message and stack of unexpected errors', async () => {
    await t.http().get('/__probe/boom').set('X-Request-ID', 'persist-3').expect(500);
    const [row] = await rows(
      "SELECT * FROM system_logs WHERE request_id = 'persist-3' AND message = 'unhandled error'",
    );
    expect(row).toMatchObject({
      level: 'error',
      error_type: 'Error',
      error_message: 'secret internal detail',
    });
    expect(String(row.stack)).toContain('ProbeController');
  });

  it('logs slow requests as warnings', async () => {
    await t.http().get('/__probe/slow?ms=300').set('X-Request-ID', 'persist-slow').expect(200);
    const [row] = await rows(
      "SELECT level, message FROM system_logs WHERE request_id = 'persist-slow'",
    );
    expect(row).toMatchObject({ level: 'warn', message: expect.stringMatching(/\(slow\)$/) });
  });

  it('attaches the user id to every line of an authenticated request', async () => {
    await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-ID', 'persist-user');
    const found = await rows<{ user_id: number | null }>(
      "SELECT user_id FROM system_logs WHERE request_id = 'persist-user'",
    );
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((r) => r.user_id === 1)).toBe(true);
  });

  it('stores the client IP on the lines of a failed login', async () => {
    for (const [id, login] of [
      ['persist-login-known', 'admin'],
      ['persist-login-unknown', 'nobody-here'],
    ]) {
      await t
        .http()
        .post('/api/auth/login')
        .set('X-Request-ID', id)
        .send({ username: login, password: 'not-the-password-1' })
        .expect(401);
    }
    const found = await rows<{ request_id: string; ip: string | null }>(
      `SELECT request_id, ip FROM system_logs
       WHERE request_id LIKE 'persist-login-%' AND message LIKE 'login failed%' ORDER BY id`,
    );
    expect(found).toEqual([
      { request_id: 'persist-login-known', ip: expect.stringContaining('127.0.0.1') },
      { request_id: 'persist-login-unknown', ip: expect.stringContaining('127.0.0.1') },
    ]);
  });

  it('never stores a password, token or request body', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD })
      .expect(200);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${res.body.access_token}`);
    const dump = JSON.stringify(await rows('SELECT * FROM system_logs'));
    expect(dump).not.toContain(TEST_ADMIN_PASSWORD);
    expect(dump).not.toContain(res.body.access_token);
    expect(t.logs.text()).not.toContain(TEST_ADMIN_PASSWORD);
  });

  const api = (url: string) => t.http().get(url).set('Authorization', `Bearer ${token}`);

  it('filters by level, logger, request id, path, status and text', async () => {
    const errors = await api('/api/admin/logs?level=error,fatal').expect(200);
    expect(errors.body.data.length).toBeGreaterThan(0);
    expect(
      errors.body.data.every((r: { level: string }) => ['error', 'fatal'].includes(r.level)),
    ).toBe(true);
    const byRequest = await api('/api/admin/logs?request_id=persist-2&logger=ProbeService').expect(
      200,
    );
    expect(byRequest.body.data.map((r: { message: string }) => r.message)).toEqual([
      'probe service saw a payload',
    ]);
    const byPath = await api(
      '/api/admin/logs?path=/__probe/*&status_min=500&status_max=599',
    ).expect(200);
    expect(byPath.body.data.every((r: { status_code: number }) => r.status_code >= 500)).toBe(true);
    expect(byPath.body.data.length).toBeGreaterThan(0);
    const text = await api('/api/admin/logs?q=SAW%20A%20PAYLOAD').expect(200);
    expect(text.body.data.length).toBeGreaterThan(0);
    const future = await api(
      `/api/admin/logs?from=${new Date(Date.now() + 3_600_000).toISOString()}`,
    ).expect(200);
    expect(future.body.meta.total).toBe(0);
    await api('/api/admin/logs?level=loud').expect(400);
    await api('/api/admin/logs?limit=100000').expect(400);
  });

  it('pages with offsets and with cursors, in either order', async () => {
    for (let i = 0; i < 6; i++) {
      await t
        .http()
        .get('/health/live?x=' + i)
        .set('X-Request-ID', `page-${i}`);
    }
    for (let i = 0; i < 6; i++) {
      await t.http().get(`/__probe/missing/${i}`).set('X-Request-ID', `page-${i}`);
    }
    await sink.flush();
    const all = await api('/api/admin/logs?path=/__probe/missing/*&sort=asc&limit=500').expect(200);
    const ids: string[] = all.body.data.map((r: { id: string }) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api(
        `/api/admin/logs?path=/__probe/missing/*&sort=asc&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      walked.push(...page.body.data.map((r: { id: string }) => r.id));
      cursor = page.body.meta.next_cursor as string | null;
    } while (cursor);
    expect(walked).toEqual(ids);
    const second = await api(
      '/api/admin/logs?path=/__probe/missing/*&sort=asc&limit=2&offset=2',
    ).expect(200);
    expect(second.body.data.map((r: { id: string }) => r.id)).toEqual(ids.slice(2, 4));
    expect(second.body.meta).toMatchObject({ total: ids.length, limit: 2, offset: 2 });
    const desc = await api('/api/admin/logs?path=/__probe/missing/*&limit=500').expect(200);
    expect(desc.body.data.map((r: { id: string }) => r.id)).toEqual([...ids].reverse());
    await api('/api/admin/logs?cursor=garbage').expect(400);
  });

  it('reports statistics and deletes old rows', async () => {
    const stats = await api('/api/admin/logs/statistics?hours=2').expect(200);
    expect(stats.body.total).toBeGreaterThan(0);
    expect(stats.body.by_level.info).toBeGreaterThan(0);
    expect(stats.body.top_loggers[0]).toEqual({
      logger: expect.any(String),
      count: expect.any(Number),
    });
    expect(stats.body.timeline.at(-1)).toMatchObject({
      errors: expect.any(Number),
      error_rate: expect.any(Number),
    });
    expect(stats.body.table.bytes).toBeGreaterThan(0);
    expect(stats.body.writer.written).toBeGreaterThan(0);

    await rows(
      "UPDATE system_logs SET \"timestamp\" = now() - interval '40 days' WHERE request_id = 'persist-1'",
    );
    const cleanup = await t
      .http()
      .delete('/api/admin/logs/cleanup?days=30')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(cleanup.body.deleted).toBeGreaterThanOrEqual(1);
    expect(await rows("SELECT 1 FROM system_logs WHERE request_id = 'persist-1'")).toEqual([]);
    await t
      .http()
      .delete('/api/admin/logs/cleanup')
      .set('Authorization', `Bearer ${token}`)
      .expect(400);
  });

  describe('client logs', () => {
    it('accepts a valid front-end error and stores it as logger "frontend"', async () => {
      await t
        .http()
        .post('/api/client-logs')
        .send({
          level: 'error',
          message: 'TypeError in GeneTable',
          stack: 'at GeneTable.vue:10',
          url: 'https://x/genes',
          context: { token: 'leak-me', view: 'genes' },
        })
        .expect(202, { accepted: true });
      expect(
        await eventually(
          async () =>
            (await rows("SELECT 1 FROM system_logs WHERE logger = 'frontend'")).length > 0,
        ),
      ).toBe(true);
      const [row] = await rows<{
        level: string;
        message: string;
        context: { client: Record<string, unknown> };
      }>("SELECT level, message, context FROM system_logs WHERE logger = 'frontend'");
      expect(row).toMatchObject({ level: 'error', message: 'TypeError in GeneTable' });
      expect(row.context.client).toMatchObject({
        url: 'https://x/genes',
        context: { token: '[REDACTED]', view: 'genes' },
      });
    });

    it.each([
      ['an unknown level', { level: 'panic', message: 'x' }, 'level'],
      ['a missing message', { level: 'error' }, 'message'],
      ['a message over 2,000 chars', { level: 'error', message: 'x'.repeat(2001) }, 'message'],
      [
        'a context over 8 KB',
        { level: 'error', message: 'x', context: { blob: 'y'.repeat(9000) } },
        'context',
      ],
      ['an unknown field', { level: 'error', message: 'x', extra: 1 }, 'extra'],
    ])('rejects %s, naming the field', async (_label, body, field) => {
      const res = await t.http().post('/api/client-logs').send(body).expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });
});
