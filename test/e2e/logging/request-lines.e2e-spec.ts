import { SYSTEM_LOG_SINK } from '../../../src/logging/logging.module.js';
import type { SystemLogSink } from '../../../src/logging/system-log.sink.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { ProbeModule } from '../../support/probe.module.js';
import { testDb } from '../../support/test-db.js';

/** LOG_DB_REQUESTS left at its default. */
describe('request lines stored by default', () => {
  let t: TestApp;
  let sink: SystemLogSink;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [ProbeModule],
      env: { LOG_DB_FLUSH_MS: '50', SLOW_REQUEST_MS: '200', RATE_LIMIT_PER_MINUTE: '100000' },
    });
    sink = t.app.get<SystemLogSink>(SYSTEM_LOG_SINK);
  });
  const db = testDb(() => t.database!.url);
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  async function stored(id: string): Promise<{ logger: string; level: string }[]> {
    await sink.flush();
    return db.rows(`SELECT logger, level FROM system_logs WHERE request_id = $1 ORDER BY id`, [id]);
  }

  it('keeps a successful request line on the console only', async () => {
    await t.http().get('/__probe/cached?q=lines').set('X-Request-ID', 'default-ok').expect(200);
    expect(await stored('default-ok')).toEqual([]);
    expect(t.logs.records().some((r) => r.request_id === 'default-ok' && r.res !== undefined)).toBe(
      true,
    );
  });

  it('stores the lines of failed and slow requests', async () => {
    await t.http().get('/__probe/missing/HGNC:1').set('X-Request-ID', 'default-404').expect(404);
    await t.http().get('/__probe/boom').set('X-Request-ID', 'default-500').expect(500);
    await t.http().get('/__probe/slow?ms=300').set('X-Request-ID', 'default-slow').expect(200);
    expect(await stored('default-404')).toEqual([{ logger: 'http', level: 'info' }]);
    expect(await stored('default-500')).toContainEqual({ logger: 'http', level: 'error' });
    expect(await stored('default-slow')).toEqual([{ logger: 'http', level: 'warn' }]);
  });

  it("stores a successful request's service lines, not its request line", async () => {
    await t
      .http()
      .post('/__probe/log')
      .set('X-Request-ID', 'default-service')
      .send({ gene: 'NPHS1' })
      .expect(201);
    expect(await stored('default-service')).toEqual([{ logger: 'ProbeService', level: 'info' }]);
  });
});
