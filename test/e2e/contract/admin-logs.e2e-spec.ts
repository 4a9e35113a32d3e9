import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';

/**
 * The original admin Log viewer (frontend/src/api/admin/logs.ts) against this service:
 * the requests it sends, and the fields it reads from the answers.
 */
describe('original admin Log viewer', () => {
  let t: TestApp;
  let admin: string;
  const db = testDb(() => t.database!.url);
  // A window in the past that only this file's rows fall into.
  const start = '2021-03-01T00:00:00.000Z';
  const end = '2021-03-02T00:00:00.000Z';

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = (await loginAdmin(t)).accessToken;
    const row = (
      minute: number,
      level: string,
      logger: string,
      message: string,
      extra: { status?: number; duration?: number; stack?: string } = {},
    ) =>
      db.exec(
        `INSERT INTO system_logs ("timestamp", level, logger, message, request_id, ip, user_agent,
           method, path, status_code, duration_ms, error_type, error_message, stack, context)
         VALUES ($1, $2, $3, $4, $5, '10.0.0.7', 'probe/2', 'GET', '/api/genes', $6, $7,
           $8, $9, $10, '{"k":1}')`,
        [
          new Date(Date.parse(start) + minute * 60_000),
          level,
          logger,
          message,
          `req-${minute}`,
          extra.status ?? null,
          extra.duration ?? null,
          extra.stack ? 'Error' : null,
          extra.stack ? 'boom' : null,
          extra.stack ?? null,
        ],
      );
    await row(1, 'info', 'LegacyProbeService', 'first', { status: 200, duration: 30 });
    await row(2, 'warn', 'LegacyProbeService', 'second', { status: 404, duration: 5 });
    await row(3, 'error', 'OtherProbe', 'third', { status: 500, duration: 90, stack: 'at x' });
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const as = () => ({ Authorization: `Bearer ${admin}` });
  const query = (params: Record<string, string>) =>
    t
      .http()
      .get(`/api/admin/logs/?${new URLSearchParams(params).toString()}`)
      .set(as());

  it('filters with the original’s names and answers with logs[] and pagination', async () => {
    const res = await query({
      level: 'WARNING',
      source: 'legacyprobe',
      start_time: start,
      end_time: end,
      limit: '25',
      sort_by: 'timestamp',
      sort_order: 'desc',
    }).expect(200);
    expect(res.body.pagination.total).toBe(1);
    expect(res.body.logs).toHaveLength(1);
    expect(res.body.logs[0]).toMatchObject({
      level: 'WARNING',
      source: 'LegacyProbeService',
      message: 'second',
      method: 'GET',
      path: '/api/genes',
      status_code: 404,
      duration_ms: 5,
      request_id: 'req-2',
      ip_address: '10.0.0.7',
      user_agent: 'probe/2',
      context: { k: 1 },
      client_info: { ip_address: '10.0.0.7' },
      request_body: null,
      query_params: null,
      headers: null,
    });
    expect(res.body.logs[0]).toHaveProperty('id');
    expect(res.body.logs[0]).toHaveProperty('timestamp');
    expect(res.body.logs[0]).toHaveProperty('user_id');
  });

  it('sorts by the column the viewer asks for, in its order', async () => {
    const ordered = async (sort_by: string, sort_order: string) =>
      (
        await query({ start_time: start, end_time: end, sort_by, sort_order }).expect(200)
      ).body.logs.map((l: { message: string }) => l.message);
    expect(await ordered('duration_ms', 'asc')).toEqual(['second', 'first', 'third']);
    expect(await ordered('status_code', 'desc')).toEqual(['third', 'second', 'first']);
    expect(await ordered('message', 'asc')).toEqual(['first', 'second', 'third']);
    expect(await ordered('timestamp', 'asc')).toEqual(['first', 'second', 'third']);
  });

  it('carries error details under the original’s names and pages with offset', async () => {
    const res = await query({
      level: 'ERROR',
      start_time: start,
      end_time: end,
      limit: '1',
      offset: '0',
    }).expect(200);
    expect(res.body.logs[0]).toMatchObject({
      level: 'ERROR',
      error_type: 'Error',
      error_message: 'boom',
      stack_trace: 'at x',
    });
    const all = await query({ start_time: start, end_time: end, limit: '2', offset: '1' });
    expect(all.body.pagination).toEqual({ total: 3, limit: 2, offset: 1, has_more: false });
  });

  it('serves the export’s 10000-row request', async () => {
    const res = await query({ start_time: start, end_time: end, limit: '10000' }).expect(200);
    expect(res.body.logs).toHaveLength(3);
  });

  it('still refuses what neither client sends, and bad values', async () => {
    await query({ search: 'x' }).expect(400);
    await query({ sort_by: 'password' }).expect(400);
    await query({ level: 'LOUD' }).expect(400);
    await query({ start_time: 'yesterday' }).expect(400);
    await query({ limit: '10001' }).expect(400);
    const cursor = await query({ sort_by: 'level', cursor: 'abc' }).expect(400);
    expect(cursor.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('keeps this service’s own names and shape', async () => {
    const res = await t
      .http()
      .get(`/api/admin/logs?logger=OtherProbe&from=${start}&to=${end}&level=error`)
      .set(as())
      .expect(200);
    expect(res.body.meta.total).toBe(1);
    expect(res.body.data[0]).toMatchObject({ logger: 'OtherProbe', ip: '10.0.0.7', stack: 'at x' });
  });

  it('gives the statistics cards their storage figures and level counts', async () => {
    await db.exec(
      `INSERT INTO system_logs ("timestamp", level, logger, message)
       VALUES (now(), 'warn', 'LegacyProbeService', 'recent warning'),
              (now(), 'error', 'LegacyProbeService', 'recent error')`,
    );
    const res = await t.http().get('/api/admin/logs/statistics?hours=24').set(as()).expect(200);
    expect(res.body.storage).toEqual({
      total_rows: expect.any(Number),
      table_size: expect.stringMatching(/^\d+ (bytes|kB|MB|GB|TB)$/),
    });
    const count = (level: string) =>
      res.body.level_distribution.find((d: { level: string }) => d.level === level)?.count;
    expect(count('WARNING')).toBe(res.body.by_level.warn);
    expect(count('ERROR')).toBe(res.body.by_level.error);
    expect(count('ERROR')).toBeGreaterThanOrEqual(1);
  });

  it('cleans up with the dashboard’s days and answers logs_deleted', async () => {
    const res = await t.http().delete('/api/admin/logs/cleanup?days=30').set(as()).expect(200);
    expect(res.body.logs_deleted).toBe(3);
    expect(res.body.deleted).toBe(3);
    expect(await db.count('system_logs', "logger = 'OtherProbe'")).toBe(0);
    const all = await t.http().delete('/api/admin/logs/cleanup?days=0').set(as()).expect(200);
    expect(all.body.logs_deleted).toBeGreaterThanOrEqual(2);
    await t.http().delete('/api/admin/logs/cleanup?days=-1').set(as()).expect(400);
  });
});
