/** The embedded cluster's superuser password: its file beside the data folder, and resets. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';

import { besideDataDir } from './embedded-data-dir.js';

/** The embedded server's superuser (initdb's `--username`). */
export const SUPERUSER = 'postgres';

/**
 * The superuser password of an embedded cluster lives beside its data folder (never
 * inside it: initdb needs the folder empty, and a copy of the folder alone should not
 * carry the key), readable by the app's user only (mode 0600).
 */
export function passwordFileFor(dataDir: string): string {
  return besideDataDir(dataDir, '.password');
}

/** 32 URL-safe characters (192 random bits). */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The stored password, or undefined when there is no usable file: none, an empty one, or
 * one other users could read. A password that was readable by others is treated as
 * known to them: making the file 0600 now would keep it in use, so instead the caller
 * generates a new one, writes it (replacing the file) and sets it on the cluster.
 *
 * The file is opened once without following a symlink (O_NOFOLLOW), and its type and
 * mode are read from that handle: a symlink put in its place could otherwise hand the
 * app a password chosen by someone else, or point a later change at another file.
 */
export async function readPasswordFile(
  file: string,
  warn: (message: string) => void,
): Promise<string | undefined> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        return undefined;
      }
      if (error.code === 'ELOOP') {
        throw new Error(
          `${file} is a symbolic link; refusing to read the embedded superuser password ` +
            'through it. Replace it with the regular file it should be (mode 0600), or ' +
            'delete it to have a new password generated and set on the next start.',
        );
      }
      throw error;
    },
  );
  if (handle === undefined) {
    return undefined;
  }
  let text: string;
  let mode: number;
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new Error(`${file} is not a regular file; refusing to use it as the password file`);
    }
    mode = info.mode & 0o777;
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  const password = text.split('\n')[0]?.trim() ?? '';
  if (password.length === 0) {
    warn(`${file} holds no password; a new one is generated and set`);
    return undefined;
  }
  if ((mode & 0o077) !== 0) {
    warn(
      `${file} was readable by other users (mode ${mode.toString(8)}), so its password ` +
        'counts as exposed: a new one is generated and set on the cluster, and the file ' +
        'is replaced with mode 0600',
    );
    return undefined;
  }
  return password;
}

/** Writes the file atomically with mode 0600 (the mode is set before any byte is written). */
export async function writePasswordFile(file: string, password: string): Promise<void> {
  const staging = `${file}.tmp-${process.pid}`;
  await rm(staging, { force: true });
  const handle = await open(staging, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${password}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(staging, file);
}

/**
 * Sets the superuser's password with the server stopped, through PostgreSQL's
 * single-user mode (no network, no password needed: whoever may run the server on the
 * data folder owns it anyway). Used for clusters that have no password file: ones
 * created by earlier versions with the fixed password `postgres`, or whose file was lost.
 */
export async function resetSuperuserPassword(options: {
  postgresBinary: string;
  dataDir: string;
  password: string;
  /** The postgres OS user, when the app runs as root. */
  ids?: { uid: number; gid: number };
}): Promise<void> {
  const { postgresBinary, dataDir, password, ids } = options;
  const literal = `'${password.replaceAll("'", "''")}'`;
  // English messages, so that failures are recognised below.
  const args = ['--single', '-D', dataDir, '-c', 'lc_messages=C', 'postgres'];
  const child = spawn(postgresBinary, args, { ...ids, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.on('error', () => undefined);
  child.stdin.end(`ALTER ROLE ${SUPERUSER} WITH PASSWORD ${literal};\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  // Single-user mode reports a failed statement on stderr and still exits 0.
  const problems = output
    .split('\n')
    .filter((line) => /\b(ERROR|FATAL|PANIC):/.test(line))
    .map((line) => line.replaceAll(password, '[REDACTED]').trim());
  if (code !== 0 || problems.length > 0) {
    throw new Error(
      `could not set the superuser password of the cluster in ${dataDir} ` +
        `(postgres --single exited with ${code}): ${problems.join(' | ') || 'no error output'}`,
    );
  }
}
