import { AsyncLocalStorage } from 'node:async_hooks';

import pg from 'pg';

import { currentContext } from '../common/request-context.js';

/** How long the client waits for a statement's answer before giving up on it. */
export interface ReadTimeouts {
  /** Statements run for an HTTP request (not for a pipeline run it started). */
  requestMs: number;
  /** Everything else: startup, pipeline runs, scheduled work. */
  otherMs: number;
}

/** Keys of the pool options that carry this module's settings to every client. */
const READ_TIMEOUTS = 'kgdbReadTimeouts';
const ON_STALL = 'kgdbOnStall';

/** pg's own message when a statement's answer did not arrive within `query_timeout`. */
const READ_TIMEOUT_MESSAGE = 'Query read timeout';

type Callback = (err: Error | null, result?: unknown) => void;

/** The parts of pg's Client this module reaches into (public in practice, untyped). */
interface ClientInternals {
  _queryable: boolean;
  connection: { stream: { destroy(): void } };
  /** The server's backend and its cancel key, from BackendKeyData at start-up. */
  processID: number | null;
  secretKey: number | null;
  host: string;
  port: number;
}

/** Set inside `runWithLongStatements`: the request read timeout does not apply there. */
const longStatements = new AsyncLocalStorage<true>();

/**
 * Runs `fn` with the statement class of background work (the server's statement timeout
 * plus a grace) even inside an HTTP request: for work that is bounded by its own limits
 * and may rightly take longer than the request read timeout, such as an upload's
 * transaction writing its batches.
 */
export function runWithLongStatements<T>(fn: () => T): T {
  return longStatements.run(true, fn);
}

/** The statement class of the current async context. */
function readTimeoutFor(timeouts: ReadTimeouts): number {
  if (longStatements.getStore()) {
    return timeouts.otherMs;
  }
  const ctx = currentContext();
  return ctx?.requestId && !ctx.runId ? timeouts.requestMs : timeouts.otherMs;
}

/** pg's protocol connection, as far as a cancel request needs it (untyped in @types/pg). */
interface CancelConnection {
  stream: { destroy(): void; once(event: 'close', listener: () => void): void };
  connect(portOrSocketPath: number | string, host?: string): void;
  cancel(processID: number, secretKey: number): void;
  on(event: 'error', listener: () => void): void;
  once(event: 'connect', listener: () => void): void;
}

/** Used when the pool sets no connect timeout. */
const DEFAULT_CANCEL_TIMEOUT_MS = 1000;

/**
 * Asks the server to cancel what `backend` is running, over a new connection as the
 * protocol requires (a CancelRequest with the backend's pid and secret key, the message
 * pg's own `Client.cancel` sends), in plain TCP like pg's. Best effort: the answer is
 * not awaited, and a server that does not accept the connection within `timeoutMs`
 * (the network is cut) is given up on.
 */
function sendCancelRequest(backend: ClientInternals, timeoutMs: number): void {
  const { processID, secretKey, host, port } = backend;
  if (processID === null || secretKey === null) {
    return;
  }
  const connection = new pg.Connection({ keepAlive: false }) as unknown as CancelConnection;
  const { stream } = connection;
  const timer = setTimeout(() => stream.destroy(), timeoutMs);
  timer.unref();
  stream.once('close', () => clearTimeout(timer));
  connection.on('error', () => stream.destroy());
  // The server reads the request and closes the connection; nothing comes back.
  connection.once('connect', () => connection.cancel(processID, secretKey));
  if (host?.startsWith('/')) {
    connection.connect(`${host}/.s.PGSQL.${port}`);
  } else {
    connection.connect(port, host);
  }
}

/**
 * pg's Client with a read timeout per statement class, and a connection that stops
 * answering is dropped instead of being handed out again.
 *
 * pg's own `query_timeout` answers the caller but leaves the silent statement active on
 * the connection, which then returns to the pool: every later statement queues behind
 * it and times out too. That wedged the pool after a lossy network cut for as long as
 * TCP took to give up. Here the connection is destroyed at once (the pool removes it on
 * release) and the pool is told, so that it drops its idle connections as well: they
 * travel the same network and were probably cut with it.
 *
 * Dropping the connection alone does not stop the statement: the server notices a
 * vanished client only when it next writes to it, so an abandoned statement ran on until
 * the server's statement timeout, and every retry added one more. So before the
 * connection is dropped the server is asked to cancel the statement (a CancelRequest on
 * a separate connection, bounded by the connect timeout).
 */
export class ResilientClient extends pg.Client {
  private readonly readTimeouts?: ReadTimeouts;
  private readonly onStall?: () => void;
  private readonly cancelTimeoutMs: number;

  constructor(config: pg.ClientConfig & Record<string, unknown>) {
    super(config);
    this.readTimeouts = config[READ_TIMEOUTS] as ReadTimeouts | undefined;
    this.onStall = config[ON_STALL] as (() => void) | undefined;
    this.cancelTimeoutMs = config.connectionTimeoutMillis || DEFAULT_CANCEL_TIMEOUT_MS;
  }

  // pg's overloads are many; the shapes are passed on unchanged except for the timeout.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    const run = super.query.bind(this) as (...args: unknown[]) => unknown;
    const submittable = config !== null && typeof config === 'object' && 'submit' in config;
    if (!this.readTimeouts || config == null || submittable) {
      return run(config, values, callback);
    }
    const cb = (typeof values === 'function' ? values : callback) as Callback | undefined;
    const params: unknown = typeof values === 'function' ? undefined : values;
    const statement: Record<string, unknown> =
      typeof config === 'string' ? { text: config } : { ...(config as object) };
    statement.query_timeout ??= readTimeoutFor(this.readTimeouts);
    if (cb) {
      return run(statement, params, (err: Error | null, result?: unknown) => {
        this.check(err);
        cb(err, result);
      });
    }
    return (run(statement, params) as Promise<unknown>).catch((err: unknown) => {
      this.check(err);
      throw err;
    });
  }

  private check(err: unknown): void {
    if (!(err instanceof Error) || err.message !== READ_TIMEOUT_MESSAGE) {
      return;
    }
    const self = this as unknown as ClientInternals;
    // Not queryable: the pool removes it when its holder releases it, never re-lends it.
    self._queryable = false;
    sendCancelRequest(self, this.cancelTimeoutMs);
    self.connection.stream.destroy();
    this.onStall?.();
  }
}

/**
 * pg's Pool with ResilientClient connections. On a stall it destroys its idle
 * connections, so that the requests after an outage open fresh ones (bounded by the
 * connect timeout) instead of each finding a dead one and waiting out a read timeout.
 */
export class ResilientPool extends pg.Pool {
  private readonly idle = new Set<pg.PoolClient>();

  constructor(options: pg.PoolConfig & { [READ_TIMEOUTS]?: ReadTimeouts }) {
    super({ ...options, Client: ResilientClient } as unknown as pg.PoolConfig);
    (this.options as unknown as Record<string, unknown>)[ON_STALL] = () => this.dropIdle();
    this.on('release', (err: Error | undefined, client: pg.PoolClient) => {
      if (!err) {
        this.idle.add(client);
      }
    });
    this.on('acquire', (client) => this.idle.delete(client));
    this.on('remove', (client) => this.idle.delete(client));
  }

  private dropIdle(): void {
    for (const client of this.idle) {
      this.idle.delete(client);
      (client as unknown as ClientInternals).connection.stream.destroy();
    }
  }
}

/** The pg module as TypeORM's `driver` option: the same, with the resilient pool. */
export function resilientDriver(): object {
  return { ...pg, Pool: ResilientPool, defaults: pg.defaults, types: pg.types };
}

/** Pool options that hand the read timeouts to every connection. */
export function readTimeoutOptions(timeouts: ReadTimeouts): Record<string, unknown> {
  return { [READ_TIMEOUTS]: timeouts };
}
