import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import autocannon from 'autocannon';

import { freePort } from '../../src/database/free-port.js';
import { type AppProcess, spawnApp, waitForStatus } from '../support/app-process.js';
import { startBenchDatabase } from './bench-app.js';
import { cpuBetween, postgresCpu, processCpu } from './proc-cpu.js';
import type { BenchTable } from './report.js';
import { fmt } from './stats.js';

const CONNECTIONS = 20;
const SECONDS = 5;
const ROUNDS = 2;
const IDLE_SECONDS = 3;
const ADMIN = { username: 'bench-admin', password: 'Bench-Admin-Passw0rd' };

/** A request that goes through Nest routing: the response cache and the edge never answer it. */
interface Target {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  /** JSON body, for POST. */
  body?: string;
  /** Sends the admin's access token. */
  authenticated?: boolean;
}

const TARGETS: Target[] = [
  // Public, uncached, answered from memory: the framework's own cost and nothing else.
  { label: 'GET / (public, no database)', method: 'GET', path: '/' },
  // The guard re-reads the account and the session, the handler the account again.
  {
    label: 'GET /api/auth/me (bearer token)',
    method: 'GET',
    path: '/api/auth/me',
    authenticated: true,
  },
  // A JSON body validated by a DTO, then one indexed query (no such genes here).
  {
    label: 'POST /api/genes/hpo-classifications (DTO)',
    method: 'POST',
    path: '/api/genes/hpo-classifications',
    body: JSON.stringify({ gene_ids: [1, 2, 3] }),
  },
];

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  /** CPU seconds of the server process during the round. */
  cpu: number | undefined;
  /** CPU seconds of every PostgreSQL process during the round (app rounds only). */
  dbCpu: number | undefined;
}

interface Server {
  url: string;
  pid: number | undefined;
}

function headersFor(target: Target, token: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (target.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (target.authenticated) {
    headers.authorization = `Bearer ${token}`;
  }
  return headers;
}

async function drive(
  server: Server,
  target: Target,
  token: string,
  dataDir?: string,
): Promise<Figures> {
  const cpu0 = processCpu(server.pid);
  const db0 = dataDir ? postgresCpu(dataDir) : undefined;
  const result = await autocannon({
    url: server.url + target.path,
    method: target.method,
    body: target.body,
    headers: headersFor(target, token),
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  const cpu1 = processCpu(server.pid);
  const db1 = dataDir ? postgresCpu(dataDir) : undefined;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.non2xx + result.errors,
    cpu: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined,
    dbCpu: db0 && db1 ? cpuBetween(db0, db1) : undefined,
  };
}

/**
 * A minimal Express app in its own process: `express.json()` and one handler per target
 * answering with the app's own bytes for it.
 */
async function startMinimalExpress(
  answers: { method: string; path: string; body: string }[],
): Promise<{ server: Server; child: ChildProcess }> {
  const port = await freePort();
  const script = `
    const express = require('express');
    const app = express();
    app.use(express.json());
    for (const a of ${JSON.stringify(answers)}) {
      app[a.method.toLowerCase()](a.path, (req, res) => {
        res.type('application/json').send(a.body);
      });
    }
    app.listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  // Resolved from the project root, where express is installed (Nest's platform uses it).
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout, 'data');
  return { server: { url: `http://127.0.0.1:${port}`, pid: child.pid }, child };
}

async function login(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (res.status !== 200) {
    throw new Error(`bench login failed: ${res.status} ${await res.text()}`);
  }
  return ((await res.json()) as { access_token: string }).access_token;
}

async function stop(app: AppProcess): Promise<void> {
  if (app.child.exitCode === null) {
    app.child.kill('SIGTERM');
    await app.exited;
  }
}

const perRequest = (seconds: number | undefined, served: number) =>
  seconds === undefined || served === 0 ? undefined : (seconds / served) * 1e6;

/**
 * The routed path (no response cache, no edge): the app in its own process against a
 * minimal Express app in its own process answering the same bytes, alternating rounds.
 */
export async function routedBenchmark(): Promise<BenchTable> {
  const db = await startBenchDatabase();
  let app: AppProcess | undefined;
  let baseline: ChildProcess | undefined;
  try {
    app = spawnApp(
      {
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnop',
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        RATE_LIMIT_PER_MINUTE: '100000000',
        LOG_LEVEL: 'warn',
        SNAPSHOT_INGEST_ON_START: 'false',
      },
      await freePort(),
    );
    await waitForStatus(app, '/health/ready');
    const token = await login(app.baseUrl);
    const answers = [];
    for (const t of TARGETS) {
      const res = await fetch(app.baseUrl + t.path, {
        method: t.method,
        headers: headersFor(t, token),
        body: t.body,
      });
      if (res.status !== 200) {
        throw new Error(`${t.label}: ${res.status} ${await res.text()}`);
      }
      answers.push({ method: t.method, path: t.path, body: await res.text() });
    }
    // What the app spends with no request at all (timers, job polling, the log writer),
    // which the per-request figures below include.
    const idle0 = processCpu(app.child.pid);
    await sleep(IDLE_SECONDS * 1000);
    const idle1 = processCpu(app.child.pid);
    const idleMsPerSecond =
      idle0 !== undefined && idle1 !== undefined
        ? ((idle1 - idle0) / IDLE_SECONDS) * 1000
        : undefined;
    const minimal = await startMinimalExpress(answers);
    baseline = minimal.child;
    const appServer: Server = { url: app.baseUrl, pid: app.child.pid };

    const rows: (string | number)[][] = [];
    for (const target of TARGETS) {
      const ours: Figures[] = [];
      const theirs: Figures[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        ours.push(await drive(appServer, target, token, db.dataDir));
        theirs.push(await drive(minimal.server, target, token));
      }
      const sum = (xs: Figures[], k: 'cpu' | 'dbCpu' | 'requests') =>
        xs.some((x) => x[k] === undefined) ? undefined : xs.reduce((n, x) => n + (x[k] ?? 0), 0);
      const mean = (xs: Figures[], k: 'rps' | 'p50' | 'p99') =>
        xs.reduce((n, x) => n + x[k], 0) / xs.length;
      const served = (xs: Figures[]) => sum(xs, 'requests') ?? 0;
      const appCpu = perRequest(sum(ours, 'cpu'), served(ours));
      const baseCpu = perRequest(sum(theirs, 'cpu'), served(theirs));
      rows.push([
        target.label,
        fmt(mean(ours, 'rps')),
        fmt(mean(ours, 'p50'), 1),
        fmt(mean(ours, 'p99'), 1),
        appCpu === undefined ? '-' : fmt(appCpu),
        fmt(perRequest(sum(ours, 'dbCpu'), served(ours)) ?? 0),
        fmt(mean(theirs, 'rps')),
        fmt(mean(theirs, 'p99'), 1),
        baseCpu === undefined ? '-' : fmt(baseCpu),
        appCpu === undefined || baseCpu === undefined ? '-' : fmt(appCpu / baseCpu, 2),
        String(ours.reduce((n, r) => n + r.errors, 0)),
      ]);
    }
    return {
      title: 'Routed requests: the app against a minimal Express app',
      description:
        'Requests the response cache and the pre-routing edge never answer, so each goes ' +
        'through the whole chain (request id, metrics, headers, body parsers, request logging, ' +
        'the rate-limit and access guards, interceptors, the validation pipe). App in its own ' +
        'process (NODE_ENV=production, LOG_LEVEL=warn keeps request lines off stdout, ' +
        'LOG_DB_LEVEL=info, the default, stores one `system_logs` row per request, empty gene ' +
        'tables); baseline a minimal Express 5 app in its own process (`express.json()` and one ' +
        "handler per path sending the app's own bytes). autocannon in the bench process, " +
        `${CONNECTIONS} connections, ${SECONDS} s, ${ROUNDS} alternating rounds per target ` +
        '(means). CPU: user plus system seconds of the server process (and of every PostgreSQL ' +
        'process, for the app) from /proc over its rounds, per request served. Goal: app CPU ' +
        'per request ≤ 2 × the minimal Express app’s. The app idles at ' +
        `${idleMsPerSecond === undefined ? '-' : fmt(idleMsPerSecond, 1)} ms of CPU per second ` +
        `(measured over ${IDLE_SECONDS} s before the rounds), included in its figures.`,
      columns: [
        'target',
        'app req/s',
        'app p50 ms',
        'app p99 ms',
        'app CPU µs/req',
        'PostgreSQL CPU µs/req',
        'Express req/s',
        'Express p99 ms',
        'Express CPU µs/req',
        'CPU app ÷ Express',
        'errors',
      ],
      rows,
    };
  } finally {
    if (app) {
      await stop(app);
    }
    baseline?.kill('SIGTERM');
    await db.stop();
  }
}
