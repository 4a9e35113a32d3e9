import { setTimeout as sleep } from 'node:timers/promises';

import { Controller, Get, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { Public } from '../../../src/auth/decorators/access.decorator.js';
import { runWithLongStatements } from '../../../src/database/resilient-pool.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';

/** Marks the statements of this file, to find them in pg_stat_activity. */
const TAG = 'kgdb-cancel-probe';

/** Test-only routes whose one statement outlasts the request read timeout. */
@Public()
@Controller('__cancel')
class CancelProbeController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Far longer than the request read timeout, shorter than the server's statement timeout. */
  @Get('slow')
  async slow(): Promise<{ ok: boolean }> {
    await this.dataSource.query(`SELECT pg_sleep(40) /* ${TAG} */`);
    return { ok: true };
  }

  /** Longer than the request read timeout, inside work marked as long. */
  @Get('long-work')
  async longWork(): Promise<{ ok: boolean }> {
    await runWithLongStatements(() =>
      this.dataSource.transaction((manager) => manager.query('SELECT pg_sleep(2.5)')),
    );
    return { ok: true };
  }
}

@Module({ controllers: [CancelProbeController] })
class CancelProbeModule {}

describe('a request statement the client gives up on', () => {
  let db: TestDatabase;
  let t: TestApp;
  // Another session than the app's, watching what the server is still running.
  const observer = testDb(() => db.url);

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp({
      databaseUrl: db.url,
      env: {
        // The server would let the statement run on for a minute.
        DB_STATEMENT_TIMEOUT_MS: '60000',
        DB_REQUEST_QUERY_TIMEOUT_MS: '1000',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
      imports: [CancelProbeModule],
    });
  });
  afterAll(async () => {
    await observer.close();
    await t?.close();
    await db?.drop();
  });

  /** Backends of the app still running the tagged statement. */
  async function stillRunning(): Promise<number> {
    return observer.count(
      'pg_stat_activity',
      `state = 'active' AND pid <> pg_backend_pid() AND query LIKE $1`,
      [`%pg_sleep(40) /* ${TAG} */%`],
    );
  }

  it('is cancelled on the server, not left running there', async () => {
    const res = await t.http().get('/__cancel/slow');
    expect([res.status, res.body.error?.code]).toEqual([503, 'DATABASE_TIMEOUT']);
    // The cancel request goes out as the client gives up; a few polls see it land.
    let polls = 0;
    let running = await stillRunning();
    while (running > 0 && polls < 30) {
      await sleep(100);
      running = await stillRunning();
      polls++;
    }
    expect(running).toBe(0);
    // The pool serves the next request.
    await t.http().get('/health/ready').expect(200);
  });

  it('a retry storm leaves no abandoned statements piling up on the server', async () => {
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => t.http().get('/__cancel/slow')),
    );
    expect(answers.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    let polls = 0;
    while ((await stillRunning()) > 0 && polls < 30) {
      await sleep(100);
      polls++;
    }
    expect(await stillRunning()).toBe(0);
  });

  it('work marked as long keeps the longer statement timeout inside a request', async () => {
    await t.http().get('/__cancel/long-work').expect(200);
  });
});
