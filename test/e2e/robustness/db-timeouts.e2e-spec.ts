import { Controller, Get, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { Public } from '../../../src/auth/decorators/access.decorator.js';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';

/** Test-only routes that run exactly one statement each, with no cache in front. */
@Public()
@Controller('__db')
class DatabaseProbeController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get('ping')
  async ping(): Promise<{ ok: boolean }> {
    await this.dataSource.query('SELECT 1');
    return { ok: true };
  }

  /** Longer than any statement timeout the tests configure. */
  @Get('sleep')
  async sleep(): Promise<{ ok: boolean }> {
    await this.dataSource.query('SELECT pg_sleep(30)');
    return { ok: true };
  }
}

@Module({ controllers: [DatabaseProbeController] })
class DatabaseProbeModule {}

const POOL_SIZE = 4;
const ENV = {
  DB_POOL_SIZE: String(POOL_SIZE),
  // Roomy for opening several connections at once on a busy test machine; a black hole
  // never answers, so it is this timeout that answers there whatever its value.
  DB_CONNECT_TIMEOUT_MS: '1500',
  DB_STATEMENT_TIMEOUT_MS: '1000',
  DB_REQUEST_QUERY_TIMEOUT_MS: '1500',
  DB_LOCK_TIMEOUT_MS: '300',
  RATE_LIMIT_PER_MINUTE: '100000',
};

describe('database timeouts', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let pageSize = 10;
  // Another session, straight to the server (not through the proxy), to hold locks.
  const holder = testDb(() => db.url);

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
    t = await createTestApp({
      databaseUrl: proxy.urlThrough(db.url),
      env: ENV,
      imports: [DatabaseProbeModule],
    });
    await seedGenes(t.app, SCORING_DATASET.slice(0, 2));
  });
  afterAll(async () => {
    proxy?.dropSilenced();
    await holder.close();
    await t?.close();
    await proxy?.stop();
    await db?.drop();
  });

  /** Gene lists not asked for before, so that no cache answers in place of the table. */
  const freshGeneList = () =>
    t.http().get(`/api/genes?filter[hide_zero_scores]=false&page[size]=${pageSize++}`);

  /**
   * The database failures since `from`, as the requests' completion lines name them (one
   * line per failed request: its error code and the brief cause).
   */
  function databaseErrorsLogged(from: number): { msg: string; err: string; code?: string }[] {
    return t.logs
      .records()
      .slice(from)
      .filter((r) => /^DATABASE_/.test(String(r.error_code)))
      .map((r) => {
        const cause = r.cause as { message?: string; code?: string } | undefined;
        return { msg: String(r.error_code), err: String(cause?.message), code: cause?.code };
      });
  }

  it('a statement over the statement timeout answers 503 DATABASE_TIMEOUT with Retry-After', async () => {
    const from = t.logs.lines.length;
    const res = await t.http().get('/__db/sleep');
    expect([res.status, res.body.error?.code]).toEqual([503, 'DATABASE_TIMEOUT']);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(databaseErrorsLogged(from)).toEqual([
      expect.objectContaining({ msg: 'DATABASE_TIMEOUT', code: '57014' }),
    ]);
    // The server cancelled the statement; the connection is fine and serves the next one.
    await t.http().get('/__db/ping').expect(200);
  });

  it('a table locked by another session answers 503 DATABASE_TIMEOUT once the lock timeout passes', async () => {
    await freshGeneList().expect(200);
    try {
      await holder.exec('BEGIN');
      await holder.exec('LOCK TABLE genes IN ACCESS EXCLUSIVE MODE');
      const from = t.logs.lines.length;
      const res = await freshGeneList();
      expect([res.status, res.body.error?.code]).toEqual([503, 'DATABASE_TIMEOUT']);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(databaseErrorsLogged(from)).toContainEqual(
        expect.objectContaining({ msg: 'DATABASE_TIMEOUT', code: '55P03' }),
      );
    } finally {
      await holder.exec('ROLLBACK');
    }
    await freshGeneList().expect(200);
  });

  it('a database that accepts but never answers costs a request one timeout, and the pool recovers once it answers again', async () => {
    // Every connection of the pool open, as on a busy instance.
    const all = () =>
      Promise.all(Array.from({ length: POOL_SIZE }, () => t.http().get('/__db/ping')));
    expect((await all()).map((r) => r.status)).toEqual(Array(POOL_SIZE).fill(200));
    proxy.blackHole();
    const from = t.logs.lines.length;

    // A pooled connection that stops answering: the request's read timeout, and the
    // connection (with the other idle ones) is dropped.
    const stalled = await t.http().get('/__db/ping');
    expect([stalled.status, stalled.body.error?.code]).toEqual([503, 'DATABASE_TIMEOUT']);
    // Then new connections are tried, and the connect timeout answers.
    const unreachable = await t.http().get('/__db/ping');
    expect([unreachable.status, unreachable.body.error?.code]).toEqual([
      503,
      'DATABASE_UNAVAILABLE',
    ]);
    expect(databaseErrorsLogged(from)).toEqual([
      { msg: 'DATABASE_TIMEOUT', err: 'Query read timeout', code: undefined },
      expect.objectContaining({
        msg: 'DATABASE_UNAVAILABLE',
        err: expect.stringMatching(/connection timeout|timeout exceeded when trying to connect/),
      }),
    ]);
    await t.http().get('/health/live').expect(200);

    proxy.restore();
    // No connection lost in the black hole is handed out again: the first request after
    // it succeeds, and so does every connection of the pool, in use at once, repeatedly.
    await t.http().get('/__db/ping').expect(200);
    for (let round = 0; round < 3; round++) {
      expect((await all()).map((r) => r.status)).toEqual(Array(POOL_SIZE).fill(200));
    }
    await freshGeneList().expect(200);
  });
});
