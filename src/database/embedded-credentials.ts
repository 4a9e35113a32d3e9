/** The embedded cluster's superuser password: its file beside the data folder, and resets. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, rm, stat } from 'node:fs/promises';
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

/** The stored password, or undefined when there is no usable file. */
export async function readPasswordFile(
  file: string,
  warn: (message: string) => void,
): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const password = text.split('\n')[0]?.trim() ?? '';
  if (password.length === 0) {
    warn(`${file} holds no password; a new one is generated and set`);
    return undefined;
  }
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    await chmod(file, 0o600);
    warn(
      `${file} was readable by other users (mode ${mode.toString(8)}); it is now 0600. ` +
        `Delete it to have a new password generated on the next start.`,
    );
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
