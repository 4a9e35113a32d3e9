import { lstat, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
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
 * for a new attempt.
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
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

export async function inspectDataDir(dataDir: string): Promise<DataDirState> {
  // stat, not lstat: a symlink to a folder elsewhere (another disk) is a folder.
  const info = await stat(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  const marker = initialisationMarker(dataDir);
  if (info === null) {
    // The folder went away with whatever initdb had written: nothing to clear.
    await rm(marker, { force: true });
    return { kind: 'absent' };
  }
  if (!info.isDirectory()) return { kind: 'foreign', reason: 'it is not a folder' };
  if (await exists(marker)) return { kind: 'interrupted' };
  const entries = await readdir(dataDir);
  if (entries.length === 0) return { kind: 'empty' };
  if (entries.includes('PG_VERSION')) return { kind: 'cluster' };
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
    if (error.code !== 'ENOENT') throw error;
  });
}

/** Removes everything inside `dir`, keeping the folder (its owner, mode, or mount). */
export async function emptyFolder(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    await rm(join(dir, entry), { recursive: true, force: true });
  }
}
