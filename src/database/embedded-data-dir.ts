import {
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * What the embedded server may do with its data folder (EMBEDDED_PG_DATA_DIR):
 *
 * - absent or empty: create a new cluster there;
 * - holding a cluster (`PG_VERSION`): start it;
 * - anything else: refuse, and touch nothing. The folder may hold someone's files (a
 *   mistyped path, a mount point, a damaged cluster worth rescuing); the app never
 *   deletes what it did not write itself.
 *
 * The one exception is a cluster the app itself began creating and never finished (the
 * process died during initdb): a marker beside the folder, written before initdb and
 * removed after it succeeded, says so, and only then are the folder's contents cleared
 * for a new attempt. Even then a folder holding cluster files (`PG_VERSION` or
 * `global/pg_control`) is never cleared: a stale or planted marker must not cost a
 * complete cluster, so that case is refused and left to the operator.
 *
 * Creating a cluster (inspecting the folder, clearing an interrupted attempt, initdb)
 * happens under an exclusive lock file beside the folder holding the creator's pid, so
 * that two processes (the app and the migration CLI) never both create, nor one clear
 * what the other is writing.
 */
export type DataDirState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'cluster' }
  /** A cluster this app began creating and never finished (the marker is present). */
  | { readonly kind: 'interrupted' }
  /** Not empty, no cluster, not ours: refused. */
  | { readonly kind: 'foreign'; readonly reason: string };

/** The data folder holds something the app must not use or remove. */
export class DataDirRefusedError extends Error {
  override readonly name = 'DataDirRefusedError';
}

/** A file or folder named after the data folder, in its parent (never inside it). */
export function besideDataDir(dataDir: string, suffix: string): string {
  const absolute = resolve(dataDir);
  return join(dirname(absolute), `${basename(absolute)}${suffix}`);
}

/** Present while initdb runs: the data folder's contents are the app's own, half written. */
export function initialisationMarker(dataDir: string): string {
  return besideDataDir(dataDir, '.initialising');
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        return false;
      }
      throw error;
    },
  );
}

/** Present while a process creates the cluster; holds that process's pid. */
export function initialisationLockFile(dataDir: string): string {
  return besideDataDir(dataDir, '.init.lock');
}

/** Files that only a PostgreSQL cluster (complete, or nearly) holds. */
const CLUSTER_FILES = ['PG_VERSION', join('global', 'pg_control')];

async function holdsClusterFiles(dir: string): Promise<boolean> {
  for (const file of CLUSTER_FILES) {
    if (await exists(join(dir, file))) {
      return true;
    }
  }
  return false;
}

export async function inspectDataDir(dataDir: string): Promise<DataDirState> {
  // stat, not lstat: a symlink to a folder elsewhere (another disk) is a folder.
  const info = await stat(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return null;
    }
    throw error;
  });
  const marker = initialisationMarker(dataDir);
  if (info === null) {
    // The folder went away with whatever initdb had written: nothing to clear.
    await rm(marker, { force: true });
    return { kind: 'absent' };
  }
  if (!info.isDirectory()) {
    return { kind: 'foreign', reason: 'it is not a folder' };
  }
  if (await exists(marker)) {
    if (!(await holdsClusterFiles(dataDir))) {
      return { kind: 'interrupted' };
    }
    return {
      kind: 'foreign',
      reason:
        `it holds PostgreSQL cluster files (PG_VERSION or global/pg_control) while ${marker} ` +
        'says an earlier creation was interrupted, and the app never clears a folder holding ' +
        `a cluster. If the cluster is complete, delete ${marker}; if it is not, empty the ` +
        `folder and delete ${marker} yourself`,
    };
  }
  const entries = await readdir(dataDir);
  if (entries.length === 0) {
    return { kind: 'empty' };
  }
  if (entries.includes('PG_VERSION')) {
    return { kind: 'cluster' };
  }
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '');
  return {
    kind: 'foreign',
    reason: `it is not empty (${shown}) and holds no PostgreSQL cluster (no PG_VERSION)`,
  };
}

/** The fatal error for a folder the app will neither use nor clear. */
export function refusal(dataDir: string, reason: string): DataDirRefusedError {
  return new DataDirRefusedError(
    `refusing to use ${dataDir} as the embedded PostgreSQL data folder: ${reason}. ` +
      'The app creates a cluster only in an empty or absent folder and never deletes files ' +
      'it did not create. Set EMBEDDED_PG_DATA_DIR to an empty or absent folder (or set ' +
      `DATABASE_URL), or move the files out of ${dataDir} yourself; if it is a damaged ` +
      'cluster, restore it from a backup rather than letting the app start over.',
  );
}

/** Written just before initdb runs; `finishInitialisation` removes it once it succeeded. */
export async function beginInitialisation(dataDir: string): Promise<void> {
  await writeFile(
    initialisationMarker(dataDir),
    `initdb into ${dataDir} started by pid ${process.pid} at ${new Date().toISOString()}\n` +
      'While this file exists the folder holds an unfinished cluster the app may clear.\n',
  );
}

export async function finishInitialisation(dataDir: string): Promise<void> {
  await unlink(initialisationMarker(dataDir)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') {
      throw error;
    }
  });
}

/**
 * Clears what an interrupted initdb wrote into `dir` (state `interrupted`). Refuses a
 * folder holding cluster files, whatever the marker says.
 */
export async function clearInterruptedAttempt(dir: string): Promise<void> {
  if (await holdsClusterFiles(dir)) {
    throw new DataDirRefusedError(
      `refusing to clear ${dir}: it holds PostgreSQL cluster files (PG_VERSION or ` +
        'global/pg_control), and the app never deletes a cluster it did not just create',
    );
  }
  await emptyFolder(dir);
}

/** Removes everything inside `dir`, keeping the folder (its owner, mode, or mount). */
export async function emptyFolder(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    await rm(join(dir, entry), { recursive: true, force: true });
  }
}

/** Held while this process creates a cluster; `release` is safe to call more than once. */
export interface InitialisationLock {
  release(): Promise<void>;
}

/** Lock files this process holds (a pid found in a lock file but not here is a dead one's). */
const held = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a lock file, undefined when it holds none (yet), null when it is gone. */
async function lockHolder(file: string): Promise<number | undefined | null> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return null;
    }
    throw error;
  });
  if (text === null) {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Takes the exclusive lock for creating the cluster in `dataDir` (O_CREAT|O_EXCL, the pid
 * written inside). A lock held by a running process is refused with an error naming it;
 * one left by a process that is no longer running (or by an earlier process that had this
 * one's pid, e.g. a restarted container) is taken over, with a warning.
 */
export async function acquireInitialisationLock(
  dataDir: string,
  warn: (message: string) => void,
): Promise<InitialisationLock> {
  const file = initialisationLockFile(dataDir);
  // The lock sits beside the folder; in a fresh checkout even its parent (.data) is absent.
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      held.add(file);
      let released = false;
      return {
        release: async () => {
          if (released) {
            return;
          }
          released = true;
          held.delete(file);
          await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
    const pid = await lockHolder(file);
    if (pid === null) {
      continue;
    }
    const ours = pid === process.pid && held.has(file);
    if (pid === undefined || ours || (pid !== process.pid && isRunning(pid))) {
      throw new DataDirRefusedError(
        `another process (pid ${pid ?? 'unknown'}) is creating the cluster in ${dataDir} ` +
          `(lock file ${file}). Start again once it has finished; if no such process is ` +
          `running, delete ${file}.`,
      );
    }
    warn(`removing the stale lock ${file}: pid ${pid} is not running`);
    await rm(file, { force: true });
  }
  throw new DataDirRefusedError(`could not take the lock ${file} for ${dataDir}`);
}
