import { freePort } from '../../../src/database/free-port.js';
import { TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from '../../support/app-factory.js';
import { type AppProcess, spawnApp, waitForStatus } from '../../support/app-process.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

interface InitialRun {
  id: string;
  status: string;
  attempts: number;
}

/**
 * Issue 20: a first start stopped a few seconds in left the database half filled for
 * good, since the snapshot was ingested only "when there is no evidence yet". The first
 * start is now a durable pipeline run that the next start takes up where it stopped.
 */
describe('a first start interrupted by SIGKILL', () => {
  let database: TestDatabase;
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
      SNAPSHOT_INGEST_ON_START: 'true',
      // The snapshot is served on loopback: slow it so the kill lands mid-run.
      UPSTREAM_RATE_LIMITS: '127.0.0.1=4',
      PIPELINE_LEASE_SECONDS: '2',
      LOG_LEVEL: 'info',
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

  const db = testDb(() => database.url);
  const initial = () =>
    db.rows<InitialRun>(`SELECT id, status, attempts FROM pipeline_runs WHERE kind = 'initial'`);
  const genesOf = (source: string) => db.count('gene_evidence', 'source_name = $1', [source]);

  it('is taken up by the next start and completes every source', async () => {
    app = spawnApp(env, port);
    await waitForStatus(app, '/health/ready');
    // Killed once some source has finished and the run is still under way.
    const midway = await eventually(async () => {
      const done = await db.one<{ n: number }>(
        `SELECT count(*)::int AS n FROM pipeline_run_sources s JOIN pipeline_runs r ON r.id = s.run_id
         WHERE r.kind = 'initial' AND s.status = 'completed'`,
      );
      return done.n > 0;
    }, 120_000);
    if (!midway) {
      throw new Error(`no source finished:\n${app.output().slice(-8000)}`);
    }
    app.child.kill('SIGKILL');
    await app.exited;
    const [killed] = await initial();
    expect(killed.status).not.toBe('completed');
    const missingBefore = [];
    for (const source of ['HPO', 'PubTator', 'DiagnosticPanels', 'Literature']) {
      if ((await genesOf(source)) === 0) {
        missingBefore.push(source);
      }
    }
    expect(missingBefore.length).toBeGreaterThan(0);

    // The next start at full speed: it only has to finish what the first left.
    app = spawnApp({ ...env, UPSTREAM_RATE_LIMITS: '127.0.0.1=500' }, port);
    await waitForStatus(app, '/health/ready');
    let run: InitialRun | undefined;
    const ended = await eventually(async () => {
      [run] = await initial();
      return ['completed', 'failed', 'cancelled'].includes(run?.status ?? '');
    }, 240_000);
    if (!ended) {
      throw new Error(`first start never ended:\n${app.output().slice(-8000)}`);
    }
    expect(await initial()).toHaveLength(1);
    expect(run).toMatchObject({ id: killed.id, status: 'completed' });
    expect(run!.attempts).toBeGreaterThanOrEqual(2);
    for (const source of ['HPO', 'PubTator', 'DiagnosticPanels', 'Literature', 'PanelApp']) {
      expect([source, (await genesOf(source)) > 0]).toEqual([source, true]);
    }
    // Every upload file was stored once, however many times the run was taken up.
    const uploads = await db.one<{ n: number; files: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT file_hash)::int AS files FROM evidence_uploads`,
    );
    expect(uploads.n).toBe(uploads.files);
    expect(
      await db.count(
        'gene_annotations a JOIN genes g ON g.id = a.gene_id',
        `g.approved_symbol = 'PKD1' AND a.source = 'hgnc'`,
      ),
    ).toBe(1);
  }, 480_000);
});
