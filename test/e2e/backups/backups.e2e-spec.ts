import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BackupRunner } from '../../../src/backups/backup-runner.service.js';
import { MaintenanceState } from '../../../src/backups/maintenance.service.js';
import { PipelineQueue } from '../../../src/pipeline/pipeline-queue.service.js';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { fingerprint } from '../../support/table-fingerprint.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { type TestDb, testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

type Row = Record<string, unknown>;

/** Waits until no backup job is active, so closing the app does not cut a job short. */
async function jobsIdle(db: TestDb): Promise<void> {
  await eventually(
    async () => (await db.count('pgboss.job', `name = 'backups' AND state = 'active'`)) === 0,
    10_000,
  );
}

/** The major version of the pg_dump on PATH, if any. */
function pgDumpMajor(): number | undefined {
  const run = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' });
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(run.stdout ?? '');
  return match ? Number(match[1]) : undefined;
}

describe.each([['auto'], ['logical']])('admin backups (BACKUP_METHOD=%s)', (method) => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  let dir: string;
  let db: TestDb;
  let admin: Record<string, string>;
  let expectedMethod: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kgdb-backups-'));
    database = await createTestDatabase();
    const env = { BACKUP_DIR: dir, BACKUP_METHOD: method };
    first = await createTestApp({ databaseUrl: database.url, env });
    second = await createTestApp({ databaseUrl: database.url, env });
    db = testDb(database.url);
    admin = { Authorization: `Bearer ${(await loginAdmin(first)).accessToken}` };
    const { v } = await db.one<{ v: number }>(
      "SELECT current_setting('server_version_num')::int AS v",
    );
    expectedMethod =
      method === 'auto' && pgDumpMajor() === Math.floor(v / 10000) ? 'pg_dump' : 'logical';
    await seedGenes(first.app, SCORING_DATASET.slice(0, 4));
  });

  afterAll(async () => {
    await jobsIdle(db);
    await db?.close();
    await second?.close();
    await first?.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const finished = async (id: number): Promise<Row> => {
    const done = await eventually(async () => {
      const { status } = await db.one<{ status: string }>(
        'SELECT status FROM backups WHERE id = $1',
        [id],
      );
      return status === 'completed' || status === 'failed';
    }, 60_000);
    expect(done).toBe(true);
    return (await first.http().get(`/api/admin/backups/${id}`).set(admin).expect(200)).body as Row;
  };

  const restoreFinished = async (
    id: number,
  ): Promise<{ status: string; safety_backup_id: number | null; error_message: string | null }> => {
    const done = await eventually(async () => {
      const { status } = await db.one<{ status: string }>(
        'SELECT status FROM backup_restores WHERE id = $1',
        [id],
      );
      return status === 'completed' || status === 'failed';
    }, 60_000);
    expect(done).toBe(true);
    return db.one(
      'SELECT status, safety_backup_id, error_message FROM backup_restores WHERE id = $1',
      [id],
    );
  };

  const create = async (body: Row = {}): Promise<Row> => {
    const res = await first
      .http()
      .post('/api/admin/backups/create')
      .set(admin)
      .send(body)
      .expect(202);
    expect(res.body).toMatchObject({ status: 'pending', method: expectedMethod });
    return res.body as Row;
  };

  it('chooses pg_dump only when its major version matches the server, and says which', async () => {
    const res = await first.http().get('/api/admin/backups/stats').set(admin).expect(200);
    expect(res.body).toMatchObject({
      method: expectedMethod,
      retention_days: 7,
      backup_directory: dir,
    });
  });

  it('makes a backup as a job, then lists, pages, filters and counts it', async () => {
    const made = await create({ description: 'first one', compression_level: 0 });
    const row = await finished(made.id as number);
    expect(row).toMatchObject({
      status: 'completed',
      trigger_source: 'manual_api',
      compression_level: 0,
      include_logs: false,
      include_cache: false,
      parallel_jobs: 2,
      progress: 100,
      method: expectedMethod,
    });
    expect(row.checksum_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(row.file_size_bytes).toBeGreaterThan(0);
    await finished((await create({ description: 'second one' })).id as number);
    await finished((await create({ description: 'third one', include_logs: true })).id as number);

    const page = await first
      .http()
      .get('/api/admin/backups?limit=2&offset=1')
      .set(admin)
      .expect(200);
    expect(page.body.total).toBeGreaterThanOrEqual(3);
    expect(page.body.backups).toHaveLength(2);
    const all = await first.http().get('/api/admin/backups?limit=500').set(admin).expect(200);
    expect(page.body.backups.map((b: Row) => b.id)).toEqual(
      all.body.backups.slice(1, 3).map((b: Row) => b.id),
    );
    const searched = await first
      .http()
      .get('/api/admin/backups?search=second')
      .set(admin)
      .expect(200);
    expect(searched.body).toMatchObject({ total: 1, backups: [{ description: 'second one' }] });
    const safety = await first
      .http()
      .get('/api/admin/backups?trigger_source=pre_restore_safety&status=completed')
      .set(admin)
      .expect(200);
    expect(safety.body.total).toBe(0);
    const stats = await first.http().get('/api/admin/backups/stats').set(admin).expect(200);
    expect(stats.body.completed_backups).toBe(all.body.total);
    expect(stats.body.latest_backup_date).toEqual(expect.any(String));
  });

  it('streams the file with its length and checksum', async () => {
    const made = await finished((await create()).id as number);
    const res = await first
      .http()
      .get(`/api/admin/backups/${String(made.id)}/download`)
      .set(admin)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const bytes = res.body as Buffer;
    expect(Number(res.headers['content-length'])).toBe(bytes.length);
    expect(bytes.length).toBe(made.file_size_bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(res.headers['x-checksum-sha256']).toBe(sha);
    expect(sha).toBe(made.checksum_sha256);
  });

  it('restores the data as they were, after a safety backup, and stays healthy', async () => {
    const before = await fingerprint(db);
    const backup = await finished(
      (await create({ description: 'before the change' })).id as number,
    );
    // Change data: a gene added, one deleted (with its evidence), a setting changed.
    await db.exec(`INSERT INTO genes (hgnc_id, approved_symbol) VALUES ('HGNC:999999', 'NEWGENE')`);
    const { id: gone } = await db.one<{ id: number }>('SELECT min(id) AS id FROM genes');
    await db.exec('DELETE FROM gene_evidence WHERE gene_id = $1', [gone]);
    await db.exec('DELETE FROM genes WHERE id = $1', [gone]);
    expect(await fingerprint(db)).not.toEqual(before);

    const res = await first
      .http()
      .post(`/api/admin/backups/restore/${String(backup.id)}`)
      .set(admin)
      .send({ create_safety_backup: true, run_analyze: true })
      .expect(202);
    const restore = await restoreFinished(res.body.id as number);
    expect(restore).toMatchObject({ status: 'completed', error_message: null });
    expect(await fingerprint(db)).toEqual(before);

    const safety = await db.one<{ trigger_source: string; status: string }>(
      'SELECT trigger_source, status FROM backups WHERE id = $1',
      [restore.safety_backup_id],
    );
    expect(safety).toEqual({ trigger_source: 'pre_restore_safety', status: 'completed' });
    // The catalogue was not rolled back: the backups made after `backup` are still listed.
    expect(await db.count('backups')).toBeGreaterThan(1);
    await first.http().get('/health/ready').expect(200);
    await first.http().get('/api/genes?page[size]=5').expect(200);
    await first
      .http()
      .get(`/api/admin/backups/${String(backup.id)}`)
      .set(admin)
      .expect(200);
  });

  it('refuses a corrupted file with 409 before touching anything', async () => {
    const backup = await finished((await create()).id as number);
    await db.exec(`INSERT INTO genes (hgnc_id, approved_symbol) VALUES ('HGNC:888888', 'KEEPME')`);
    const before = await fingerprint(db);
    const file = await open(join(dir, backup.filename as string), 'r+');
    try {
      const { size } = await file.stat();
      const at = Math.floor(size / 2);
      const byte = Buffer.alloc(1);
      await file.read(byte, 0, 1, at);
      byte[0] = byte[0] ^ 0xff;
      await file.write(byte, 0, 1, at);
    } finally {
      await file.close();
    }
    const res = await first
      .http()
      .post(`/api/admin/backups/restore/${String(backup.id)}`)
      .set(admin)
      .send({})
      .expect(409);
    expect(res.body.error.code).toBe('BACKUP_CHECKSUM_MISMATCH');
    expect(await db.count('backup_restores', 'backup_id = $1', [backup.id])).toBe(0);
    expect(await fingerprint(db)).toEqual(before);
  });

  it('refuses a restore while a pipeline run works, so no run writes over the restored data', async () => {
    const backup = await finished((await create()).id as number);
    const run = '00000000-0000-4000-8000-000000000022';
    await db.exec(
      `INSERT INTO pipeline_runs (id, kind, status, sources, lease_owner, lease_expires_at)
       VALUES ($1, 'source', 'running', '{PubTator}', 'elsewhere', now() + interval '10 minutes')`,
      [run],
    );
    try {
      const res = await first
        .http()
        .post(`/api/admin/backups/restore/${String(backup.id)}`)
        .set(admin)
        .send({})
        .expect(409);
      expect(res.body.error).toMatchObject({ code: 'BACKUP_BUSY' });
      expect(res.body.error.message).toContain(run);
    } finally {
      await db.exec('DELETE FROM pipeline_runs WHERE id = $1', [run]);
    }
  });

  it('answers 503 with Retry-After on every instance while a restore runs', async () => {
    const backup = await finished((await create()).id as number);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    for (const t of [first, second]) {
      t.app.get(BackupRunner).holdBeforeLoad = () => {
        held = true;
        return gate;
      };
    }
    const res = await first
      .http()
      .post(`/api/admin/backups/restore/${String(backup.id)}`)
      .set(admin)
      .send({ create_safety_backup: false })
      .expect(202);
    expect(await eventually(() => held, 30_000)).toBe(true);
    expect(
      await eventually(
        () => first.app.get(MaintenanceState).active && second.app.get(MaintenanceState).active,
      ),
    ).toBe(true);
    for (const t of [first, second]) {
      const write = await t.http().post('/api/admin/backups/create').set(admin).send({});
      expect(write.status).toBe(503);
      expect(write.headers['retry-after']).toBe('10');
      expect(write.body.error.code).toBe('MAINTENANCE');
      const read = await t.http().get('/api/genes');
      expect(read.status).toBe(503);
    }
    await t0Health(first);
    release();
    expect(await restoreFinished(res.body.id as number)).toMatchObject({ status: 'completed' });
    expect(
      await eventually(
        () => !first.app.get(MaintenanceState).active && !second.app.get(MaintenanceState).active,
      ),
    ).toBe(true);
    await second.http().get('/api/admin/backups/stats').set(admin).expect(200);
    await first.http().get('/health/ready').expect(200);
  });

  it('deletes a backup and cleans up expired ones only', async () => {
    const one = await finished((await create()).id as number);
    const two = await finished((await create()).id as number);
    const del = await first
      .http()
      .delete(`/api/admin/backups/${String(one.id)}`)
      .set(admin)
      .expect(200);
    expect(del.body.message).toEqual(expect.any(String));
    await first
      .http()
      .get(`/api/admin/backups/${String(one.id)}`)
      .set(admin)
      .expect(404);
    await db.exec(`UPDATE backups SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      two.id,
    ]);
    const cleaned = await first.http().post('/api/admin/backups/cleanup').set(admin).expect(200);
    expect(cleaned.body).toMatchObject({ deleted_count: 1, deleted_ids: [two.id] });
    expect(await db.count('backups', 'id = $1', [two.id])).toBe(0);
  });

  it('is for admins only', async () => {
    await first.http().get('/api/admin/backups').expect(401);
    const viewer = await createUser(first, admin.Authorization.slice(7), 'curator');
    await first
      .http()
      .get('/api/admin/backups/stats')
      .set('Authorization', `Bearer ${viewer.accessToken}`)
      .expect(403);
  });
});

/** Probes stay served during maintenance. */
async function t0Health(t: TestApp): Promise<void> {
  await t.http().get('/health/live').expect(200);
}

describe('scheduled backups', () => {
  let t: TestApp;
  let dir: string;
  let db: TestDb;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kgdb-backups-'));
    t = await createTestApp({ env: { BACKUP_DIR: dir, BACKUP_SCHEDULE: '0 3 * * *' } });
    db = testDb(t.database!.url);
  });

  afterAll(async () => {
    await jobsIdle(db);
    await db?.close();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('puts the cron on the shared queue, whose job makes a scheduled_cron backup', async () => {
    expect(
      await db.rows('SELECT name, cron, data FROM pgboss.schedule WHERE name = $1', ['backups']),
    ).toEqual([{ name: 'backups', cron: '0 3 * * *', data: { kind: 'scheduled' } }]);
    // What pg-boss sends when the cron fires, sent now.
    await t.app.get(PipelineQueue).sendJob('backups', { kind: 'scheduled' });
    expect(
      await eventually(
        async () =>
          (await db.count(
            'backups',
            `trigger_source = 'scheduled_cron' AND status = 'completed'`,
          )) === 1,
        60_000,
      ),
    ).toBe(true);
  });
});
