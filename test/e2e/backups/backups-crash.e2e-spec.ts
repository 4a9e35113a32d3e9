import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../../src/database/free-port.js';
import { TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from '../../support/app-factory.js';
import { type AppProcess, spawnApp, waitForStatus } from '../../support/app-process.js';
import { fingerprint } from '../../support/table-fingerprint.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

/**
 * A logical restore killed by SIGKILL midway leaves the old data: the whole load is one
 * transaction. The restore is held inside that transaction deterministically: another
 * session reads `gene_scores`, so the restore waits for it at the view's refresh, after
 * it has emptied and reloaded every table.
 */
describe('a restore killed midway', () => {
  let database: TestDatabase;
  const db = testDb(() => database.url);
  const reader = testDb(() => database.url);
  let app: AppProcess | undefined;
  let dir: string;
  let env: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kgdb-backups-'));
    database = await createTestDatabase();
    port = await freePort();
    env = {
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      BACKUP_DIR: dir,
      BACKUP_METHOD: 'logical',
      HGNC_NORMALIZE: 'false',
    };
  });

  afterAll(async () => {
    if (app) {
      app.child.kill('SIGKILL');
      await app.exited;
    }
    await reader.close();
    await db.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, token?: string, body?: unknown) {
    const res = await fetch(`${app!.baseUrl}${path}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function start(): Promise<string> {
    app = spawnApp(env, port);
    await waitForStatus(app, '/health/ready');
    const login = await call('POST', '/api/auth/login', undefined, {
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
    });
    return login.body.access_token as string;
  }

  it('leaves the data as they were, and the next start ends the maintenance', async () => {
    let token = await start();
    await db.exec(
      `INSERT INTO genes (hgnc_id, approved_symbol)
       SELECT 'HGNC:' || (800000 + i), 'GENE' || i FROM generate_series(1, 500) i`,
    );
    const made = await call('POST', '/api/admin/backups/create', token, {});
    expect(made.status).toBe(202);
    expect(
      await eventually(
        async () => (await db.count('backups', `status = 'completed'`)) === 1,
        60_000,
      ),
    ).toBe(true);
    await db.exec(`DELETE FROM genes WHERE approved_symbol LIKE 'GENE1%'`);
    await db.exec(`INSERT INTO genes (hgnc_id, approved_symbol) VALUES ('HGNC:1', 'AFTER')`);
    const before = await fingerprint(db);

    await reader.exec('BEGIN');
    await reader.exec('SELECT count(*) FROM gene_scores');
    const restore = await call(
      'POST',
      `/api/admin/backups/restore/${String(made.body.id)}`,
      token,
      {
        create_safety_backup: false,
      },
    );
    expect(restore.status).toBe(202);
    const waiting = await eventually(
      async () =>
        (await db.count(
          'pg_stat_activity',
          `application_name = 'kgdb-restore' AND wait_event_type = 'Lock' AND query LIKE 'REFRESH%'`,
        )) === 1,
      30_000,
    );
    expect(waiting).toBe(true);
    expect((await call('GET', '/api/genes')).status).toBe(503);

    app!.child.kill('SIGKILL');
    await app!.exited;
    app = undefined;
    await reader.exec('COMMIT');
    expect(
      await eventually(
        async () => (await db.count('pg_stat_activity', `application_name = 'kgdb-restore'`)) === 0,
        30_000,
      ),
    ).toBe(true);
    expect(await fingerprint(db)).toEqual(before);

    token = await start();
    expect((await call('GET', '/api/genes')).status).toBe(200);
    const record = await call(
      'GET',
      `/api/admin/backups/restores/${String(restore.body.id)}`,
      token,
    );
    expect(record.body).toMatchObject({ status: 'failed' });
  });
});
