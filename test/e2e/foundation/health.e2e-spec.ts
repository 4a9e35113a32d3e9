import { migrations } from '../../../migrations/index.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

describe('health and database outages', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
    t = await createTestApp({
      databaseUrl: proxy.urlThrough(db.url),
      env: { DB_CONNECT_TIMEOUT_MS: '500', DB_STATEMENT_TIMEOUT_MS: '2000' },
    });
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
    await db.drop();
  });

  it('is live and ready with the database up', async () => {
    await t.http().get('/health/live').expect(200);
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up' }, migrations: { status: 'up', pending: 0 } },
    });
    const version = await t.http().get('/version').expect(200);
    expect(version.body.database.migration).toBe(new (migrations.at(-1)!)().name);
  });

  it("answers /version with the fields the original frontend's footers read, ours kept", async () => {
    const res = await t.http().get('/version').expect(200);
    const latest = new (migrations.at(-1)!)().name;
    expect(res.body).toMatchObject({
      name: 'kidney-genetics-db',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      environment: expect.any(String),
      node: process.version,
      backend: { name: 'kidney-genetics-db', version: res.body.version, type: 'NestJS' },
      database: { migration: latest, version: latest, server: expect.any(String) },
    });
    expect(new Date(res.body.timestamp as string).toISOString()).toBe(res.body.timestamp);
  });

  it('answers 503 in the envelope while the database is cut, then recovers', async () => {
    proxy.cut();
    // A hang here would trip the test timeout: the pool's connect timeout bounds each call.
    const ready = await t.http().get('/health/ready').expect(503);
    expect(ready.body.error).toMatchObject({ code: 'NOT_READY' });
    expect(ready.body.error.details.database.status).toBe('down');
    const data = await t.http().get('/version').expect(503);
    expect(data.body.error.code).toBe('DATABASE_UNAVAILABLE');
    expect(data.headers['retry-after']).toBe('5');
    await t.http().get('/health/live').expect(200);

    proxy.restore();
    await t.http().get('/health/ready').expect(200);
    await t.http().get('/version').expect(200);
  });
});
