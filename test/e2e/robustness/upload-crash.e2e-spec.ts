import { freePort } from '../../../src/database/free-port.js';
import { TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from '../../support/app-factory.js';
import { type AppProcess, spawnApp, waitForStatus } from '../../support/app-process.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

/** Symbols no gene answers to: each is staged, one write per row, so the upload is slow. */
const ROWS = 20_000;
const csv = [
  'symbol,panels',
  ...Array.from({ length: ROWS }, (_, i) => `ZQX${i},Kidney panel`),
].join('\n');

describe('an upload interrupted by SIGKILL', () => {
  let database: TestDatabase;
  const db = testDb(() => database.url);
  let app: AppProcess | undefined;
  let env: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    port = await freePort();
    env = {
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      HGNC_NORMALIZE: 'false',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGKILL');
      await app.exited;
    }
    await db.close();
    await database.drop();
  });

  async function token(): Promise<string> {
    const res = await fetch(`${app!.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }

  function upload(bearer: string, body: string, identifier: string): Promise<Response> {
    const form = new FormData();
    form.append('identifier', identifier);
    form.append('file', new Blob([body], { type: 'text/csv' }), 'panel.csv');
    return fetch(`${app!.baseUrl}/api/ingestion/DiagnosticPanels/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}` },
      body: form,
    });
  }

  it('leaves nothing of the upload behind, and the next upload works', async () => {
    app = spawnApp(env, port);
    await waitForStatus(app, '/health/ready');
    const pending = upload(await token(), csv, 'Interrupted Lab').catch(() => null);
    // Kill while the upload's transaction has written rows but not committed.
    const writing = await eventually(
      async () =>
        (await db.count(
          'pg_stat_activity',
          'datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL',
        )) > 0,
      20_000,
    );
    expect(writing).toBe(true);
    app.child.kill('SIGKILL');
    await app.exited;
    expect(await pending).toBeNull();

    app = spawnApp(env, port);
    await waitForStatus(app, '/health/ready');
    const counts = () =>
      db.one<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM evidence_uploads) AS uploads,
                (SELECT count(*)::int FROM upload_audit) AS audit,
                (SELECT count(*)::int FROM gene_staging) AS staged,
                (SELECT count(*)::int FROM gene_evidence) AS evidence`,
      );
    expect(await counts()).toEqual({ uploads: 0, audit: 0, staged: 0, evidence: 0 });

    const res = await upload(await token(), 'symbol\nZQX1\nZQX2\n', 'Next Lab');
    expect(res.status).toBe(201);
    expect(await counts()).toEqual({ uploads: 1, audit: 1, staged: 2, evidence: 0 });
  });
});
