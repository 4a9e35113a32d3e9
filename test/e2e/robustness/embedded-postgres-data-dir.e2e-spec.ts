import { existsSync } from 'node:fs';
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { initialisationMarker } from '../../../src/database/embedded-data-dir.js';
import {
  type EmbeddedPostgresHandle,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from '../../../src/database/embedded-postgres.js';
import { freePort } from '../../../src/database/free-port.js';
import { spawnApp } from '../../support/app-process.js';

/** Connects with explicit credentials; resolves with the server's settings or the error code. */
async function tryLogin(port: number, password: string): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function setting(url: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(`SHOW ${name}`);
    return Object.values(rows[0] ?? {})[0] ?? '';
  } finally {
    await client.end();
  }
}

async function readPassword(dataDir: string): Promise<string> {
  return (await readFile(`${dataDir}.password`, 'utf8')).trim();
}

describe('the embedded PostgreSQL data folder and credentials', () => {
  let root: string;
  const running: EmbeddedPostgresHandle[] = [];
  const events: string[] = [];

  async function start(
    dataDir: string,
    options: Partial<EmbeddedPostgresOptions> = {},
  ): Promise<EmbeddedPostgresHandle> {
    const handle = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      persistent: true,
      onEvent: (level, message) => events.push(`${level}: ${message}`),
      ...options,
    });
    running.push(handle);
    return handle;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kgdb-datadir-'));
    // As root the server runs as the postgres user; let it reach the folders.
    await chmod(root, 0o755);
  });
  afterAll(async () => {
    for (const handle of running) {
      await handle.stop();
    }
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    events.length = 0;
  });

  it('keeps a random superuser password in a 0600 file beside the folder and listens on loopback only', async () => {
    const dataDir = join(root, 'fresh');
    const pg1 = await start(dataDir);
    expect(pg1.initialised).toBe(true);
    expect(pg1.passwordFile).toBe(`${dataDir}.password`);
    expect((await stat(pg1.passwordFile)).mode & 0o777).toBe(0o600);
    const password = (await readFile(pg1.passwordFile, 'utf8')).trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await readdir(dataDir)).not.toContain('fresh.password');

    const port = Number(new URL(pg1.url).port);
    expect(await tryLogin(port, 'postgres')).toBe('28P01');
    expect(await tryLogin(port, password)).toBe('accepted');
    expect(await setting(pg1.url, 'listen_addresses')).toBe('127.0.0.1');
    // No Unix socket either: TCP on loopback with the password is the only way in.
    expect(await setting(pg1.url, 'unix_socket_directories')).toBe('');

    // The same password on the next start of the persistent folder.
    await pg1.stop();
    const pg2 = await start(dataDir);
    expect(pg2.initialised).toBe(false);
    expect(await tryLogin(Number(new URL(pg2.url).port), password)).toBe('accepted');
    await pg2.stop();
  });

  it('gives a cluster made with the old fixed password a random one on its next start', async () => {
    const dataDir = join(root, 'legacy');
    const made = await start(dataDir);
    const client = new pg.Client({ connectionString: made.url });
    await client.connect();
    await client.query(`ALTER ROLE postgres WITH PASSWORD 'postgres'`);
    await client.query('CREATE TABLE kept (note text)');
    await client.query(`INSERT INTO kept VALUES ('still here')`);
    await client.end();
    await made.stop();
    // What a folder made by an earlier version looks like: no password file beside it.
    await rm(made.passwordFile);

    const migrated = await start(dataDir);
    expect(migrated.initialised).toBe(false);
    expect((await stat(migrated.passwordFile)).mode & 0o777).toBe(0o600);
    const password = (await readFile(migrated.passwordFile, 'utf8')).trim();
    const port = Number(new URL(migrated.url).port);
    expect(await tryLogin(port, 'postgres')).toBe('28P01');
    expect(await tryLogin(port, password)).toBe('accepted');
    expect(events.join('\n')).toContain('has no password file');
    const after = new pg.Client({ connectionString: migrated.url });
    await after.connect();
    const { rows } = await after.query<{ note: string }>('SELECT note FROM kept');
    await after.end();
    expect(rows).toEqual([{ note: 'still here' }]);
    await migrated.stop();
  });

  it('rotates a password whose file other users could read, and refuses a symlinked file', async () => {
    const dataDir = join(root, 'exposed');
    const made = await start(dataDir);
    const exposed = await readPassword(dataDir);
    await made.stop();
    await chmod(made.passwordFile, 0o644);

    const rotated = await start(dataDir);
    const password = await readPassword(dataDir);
    const port = Number(new URL(rotated.url).port);
    expect(password).not.toBe(exposed);
    expect((await stat(rotated.passwordFile)).mode & 0o777).toBe(0o600);
    expect(await tryLogin(port, exposed)).toBe('28P01');
    expect(await tryLogin(port, password)).toBe('accepted');
    expect(events.join('\n')).toMatch(/warn: .*was readable by other users/);
    await rotated.stop();

    // A symlink in place of the file: refused, the file it points to untouched.
    const elsewhere = join(root, 'elsewhere.password');
    await writeFile(elsewhere, 'planted\n', { mode: 0o644 });
    await rm(rotated.passwordFile);
    await symlink(elsewhere, rotated.passwordFile);
    await expect(start(dataDir)).rejects.toThrow(`${rotated.passwordFile} is a symbolic link`);
    expect((await stat(elsewhere)).mode & 0o777).toBe(0o644);
    expect(await readFile(elsewhere, 'utf8')).toBe('planted\n');
  });

  it('creates a cluster in a folder whose parent does not exist yet (a fresh checkout)', async () => {
    // `npm start` in a new clone: EMBEDDED_PG_DATA_DIR is .data/postgres and .data is absent.
    const dataDir = join(root, 'new-checkout', '.data', 'postgres');
    const handle = await start(dataDir);
    expect(handle.initialised).toBe(true);
    expect(await setting(handle.url, 'listen_addresses')).toBe('127.0.0.1');
    await handle.stop();
  });

  it('refuses a non-empty folder without PG_VERSION and deletes nothing', async () => {
    const dataDir = join(root, 'someone-elses');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'notes.txt'), 'mine');

    await expect(start(dataDir)).rejects.toThrow(
      `refusing to use ${dataDir} as the embedded PostgreSQL data folder: it is not empty (notes.txt)`,
    );
    expect(await readdir(dataDir)).toEqual(['notes.txt']);
    expect(await readFile(join(dataDir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(`${dataDir}.password`)).toBe(false);
  });

  it('the app exits at start with that error, naming the folder and what to do', async () => {
    const dataDir = join(root, 'app-refused');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'thesis.tex'), 'precious');
    const app = spawnApp(
      { EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) },
      await freePort(),
    );
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain(`refusing to use ${dataDir}`);
    expect(app.output()).toContain('Set EMBEDDED_PG_DATA_DIR to an empty or absent folder');
    expect(await readFile(join(dataDir, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it('clears and recreates only a cluster whose creation it began and never finished', async () => {
    const dataDir = join(root, 'interrupted');
    await mkdir(join(dataDir, 'base'), { recursive: true });
    await writeFile(join(dataDir, 'half-written'), '');
    await writeFile(initialisationMarker(dataDir), 'initdb started by an earlier start\n');

    const handle = await start(dataDir);
    expect(handle.initialised).toBe(true);
    expect(await readdir(dataDir)).not.toContain('half-written');
    expect(existsSync(initialisationMarker(dataDir))).toBe(false);
    expect(events.join('\n')).toContain('was interrupted');
    await handle.stop();
  });

  it('a stale or planted creation marker never costs a complete cluster', async () => {
    const dataDir = join(root, 'marked');
    const made = await start(dataDir);
    const client = new pg.Client({ connectionString: made.url });
    await client.connect();
    await client.query('CREATE TABLE kept (note text)');
    await client.query(`INSERT INTO kept VALUES ('still here')`);
    await client.end();
    await made.stop();
    const before = (await readdir(dataDir)).sort();
    await writeFile(initialisationMarker(dataDir), 'planted\n');

    await expect(start(dataDir)).rejects.toThrow(
      `refusing to use ${dataDir} as the embedded PostgreSQL data folder: it holds PostgreSQL cluster files`,
    );
    expect((await readdir(dataDir)).sort()).toEqual(before);
    // Once the operator removes the marker, the cluster starts with its data.
    await rm(initialisationMarker(dataDir));
    const again = await start(dataDir);
    expect(again.initialised).toBe(false);
    const after = new pg.Client({ connectionString: again.url });
    await after.connect();
    const { rows } = await after.query<{ note: string }>('SELECT note FROM kept');
    await after.end();
    expect(rows).toEqual([{ note: 'still here' }]);
    await again.stop();
  });

  it('two processes starting together on an absent folder: one creates, the other is refused', async () => {
    const dataDir = join(root, 'contested');
    const outcomes = await Promise.allSettled([start(dataDir), start(dataDir)]);
    const created = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect([created.length, refused.length]).toEqual([1, 1]);
    expect(String(refused[0].reason)).toContain(`is creating the cluster in ${dataDir}`);
    const handle = created[0].value;
    expect(handle.initialised).toBe(true);
    expect(await tryLogin(Number(new URL(handle.url).port), await readPassword(dataDir))).toBe(
      'accepted',
    );
    expect(existsSync(`${dataDir}.init.lock`)).toBe(false);
    await handle.stop();
  });

  it('a throwaway server removes only what it created', async () => {
    // A folder it was given, empty: emptied again, kept.
    const given = join(root, 'given');
    await mkdir(given);
    const first = await start(given, { persistent: false });
    expect(existsSync(first.passwordFile)).toBe(true);
    await first.stop();
    expect(await readdir(given)).toEqual([]);
    expect(existsSync(first.passwordFile)).toBe(false);

    // A folder it created: removed.
    const created = join(root, 'created');
    const second = await start(created, { persistent: false });
    await second.stop();
    expect(existsSync(created)).toBe(false);

    // A folder holding a cluster (the first test's): refused, untouched.
    const cluster = join(root, 'fresh');
    await expect(start(cluster, { persistent: false })).rejects.toThrow(
      `refusing to use ${cluster}`,
    );
    expect(existsSync(join(cluster, 'PG_VERSION'))).toBe(true);
  });
});
