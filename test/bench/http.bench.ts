import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import autocannon from 'autocannon';
import pg from 'pg';

import { freePort } from '../../src/database/free-port.js';
import { type AppProcess, spawnApp, waitForStatus } from '../support/app-process.js';
import { refreshScoreViews, startBenchDatabase } from './bench-app.js';
import { seedBenchGenes } from './genes.bench.js';
import { cpuBetween, postgresCpu, processCpu } from './proc-cpu.js';
import type { BenchTable } from './report.js';
import { captureStatementsOnce, POOL_SIZE, startSameSqlServer } from './same-sql-baseline.js';
import { fmt, percentile } from './stats.js';

const CONNECTIONS = 50;
const SECONDS = 5;
const ROUNDS = 2;

interface Target {
  label: string;
  path: string;
  /** Distinct query per request, so the response cache never hits. */
  uncached?: boolean;
  /** Concurrent connections, when not CONNECTIONS. */
  connections?: number;
}

const UNCACHED_LIST: Target = {
  label: 'uncached gene list page',
  path: '/api/genes',
  uncached: true,
};

const TARGETS: Target[] = [
  { label: 'cached gene detail', path: '/api/genes/GENE1234' },
  { label: 'cached gene list page', path: '/api/genes' },
  { label: 'uncached gene list page', path: '/api/genes', uncached: true },
  // One client at a time: the latency of a miss itself, without queueing behind 49 others
  // (timed per request, not by autocannon).
  { label: 'uncached gene list page', path: '/api/genes', uncached: true, connections: 1 },
  { label: '/health/live', path: '/health/live' },
];

/**
 * The same app storing every request line in `system_logs` (the default stores only
 * failed and slow requests): what one row per request costs on this machine, where
 * PostgreSQL shares the two cores with the app and the load generator.
 */
const ALL_LOGS_TARGET: Target = {
  label: 'cached gene detail, LOG_DB_REQUESTS=all',
  path: '/api/genes/GENE1234',
};

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  /** Requests completed (any status). */
  requests: number;
}

/** Never reset: a value repeated in a later round would be answered from the cache. */
let uncachedSeq = 0;

function pathFor(target: Target): string {
  if (!target.uncached) {
    return target.path;
  }
  return `${target.path}?filter[max_score]=${(100 - ++uncachedSeq * 1e-7).toFixed(7)}`;
}

/**
 * One request at a time over one keep-alive socket, timed with the high-resolution
 * clock: autocannon records whole milliseconds, too coarse for a single client.
 */
async function driveSequential(base: string, target: Target): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(base);
  const latencies: number[] = [];
  let failed = 0;
  const until = performance.now() + SECONDS * 1000;
  try {
    while (performance.now() < until) {
      const started = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpGet({ host: hostname, port, path: pathFor(target), agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });
      latencies.push(performance.now() - started);
      if (status !== 200) {
        failed += 1;
      }
    }
  } finally {
    agent.destroy();
  }
  const sorted = latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / SECONDS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
    non2xx: failed,
    requests: latencies.length,
  };
}

async function drive(base: string, target: Target): Promise<Figures> {
  if (target.connections === 1) {
    return driveSequential(base, target);
  }
  const result = await autocannon({
    url: base,
    connections: target.connections ?? CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'GET',
        path: target.path,
        setupRequest: (req) => (target.uncached ? { ...req, path: pathFor(target) } : req),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx + result.errors,
    requests: result.requests.total,
  };
}

async function stop(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null) {
    return;
  }
  app.child.kill('SIGTERM');
  await app.exited;
}

/** A bare node:http server in its own process answering with fixed bytes. */
async function startBaseline(
  files: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kgdb-baseline-'));
  const routes: Record<string, string> = {};
  for (const [path, body] of Object.entries(files)) {
    const file = join(dir, `${Object.keys(routes).length}.json`);
    await writeFile(file, body);
    routes[path] = file;
  }
  const port = await freePort();
  const script = `
    const fs = require('node:fs');
    const routes = ${JSON.stringify(routes)};
    const bodies = Object.fromEntries(Object.entries(routes).map(([p, f]) => [p, fs.readFileSync(f)]));
    require('node:http').createServer((req, res) => {
      const body = bodies[req.url.split('?')[0]];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body ?? '{}');
    }).listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout, 'data');
  return { url: `http://127.0.0.1:${port}`, child, dir };
}

/**
 * The app (its own process, 5,000 genes, production settings) against a bare node:http
 * process serving the same bytes, alternating rounds, one autocannon client.
 */
export async function httpBenchmark(): Promise<BenchTable[]> {
  const db = await startBenchDatabase();
  let app: AppProcess | undefined;
  let baseline: Awaited<ReturnType<typeof startBaseline>> | undefined;
  let sameSql: Awaited<ReturnType<typeof startSameSqlServer>> | undefined;
  let sameSqlTable: BenchTable | undefined;
  try {
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnop',
      ADMIN_PASSWORD: 'Bench-Admin-Passw0rd',
      RATE_LIMIT_PER_MINUTE: '100000000',
      LOG_LEVEL: 'warn',
      // The bench seeds its own 5,000 genes; the offline snapshot's ingestion and
      // annotation runs would otherwise compete for the CPU during the measurement.
      SNAPSHOT_INGEST_ON_START: 'false',
    };
    app = spawnApp(env, await freePort());
    await waitForStatus(app, '/health/ready');
    await seedBenchGenes(db.url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await refreshScoreViews(client);
    await client.query('DELETE FROM cache_entries');
    await client.end();
    const bytes: Record<string, string> = {};
    for (const t of TARGETS) {
      bytes[t.path] = await (await fetch(app.baseUrl + t.path)).text();
    }
    baseline = await startBaseline(bytes);
    const baselineUrl = baseline.url;

    const rows: (string | number)[][] = [];
    /** Total CPU (process plus PostgreSQL) per request of each uncached-list run, by connections. */
    const missCpu = new Map<string, { us: number; p50: number }>();
    const measure = async (target: Target, appUrl: string, pid = app?.child.pid) => {
      const appRounds: Figures[] = [];
      const baseRounds: Figures[] = [];
      // CPU seconds the app process and PostgreSQL spend during the app's rounds only.
      let appCpu: number | undefined = 0;
      let dbCpu: number | undefined = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const [app0, db0] = [processCpu(pid), postgresCpu(db.dataDir)];
        appRounds.push(await drive(appUrl, target));
        const [app1, db1] = [processCpu(pid), postgresCpu(db.dataDir)];
        appCpu =
          appCpu !== undefined && app0 !== undefined && app1 !== undefined
            ? appCpu + app1 - app0
            : undefined;
        dbCpu = db0 && db1 && dbCpu !== undefined ? dbCpu + cpuBetween(db0, db1) : undefined;
        baseRounds.push(await drive(baselineUrl, target));
      }
      const served = appRounds.reduce((n, r) => n + r.requests, 0);
      const perRequest = (seconds: number | undefined) =>
        seconds === undefined || served === 0 ? '-' : fmt((seconds / served) * 1e6);
      const avg = (xs: Figures[], k: keyof Figures) => xs.reduce((n, x) => n + x[k], 0) / xs.length;
      const ratio = avg(appRounds, 'rps') / avg(baseRounds, 'rps');
      if (target.uncached && appCpu !== undefined && dbCpu !== undefined && served > 0) {
        missCpu.set(`${target.label}|${target.connections ?? CONNECTIONS}`, {
          us: ((appCpu + dbCpu) / served) * 1e6,
          p50: avg(appRounds, 'p50'),
        });
      }
      rows.push([
        target.label,
        String(target.connections ?? CONNECTIONS),
        fmt(avg(appRounds, 'rps')),
        fmt(avg(appRounds, 'p50'), 1),
        fmt(avg(appRounds, 'p99'), 1),
        fmt(Math.max(...appRounds.map((r) => r.max)), 0),
        fmt(avg(baseRounds, 'rps')),
        fmt(avg(baseRounds, 'p99'), 1),
        fmt(ratio, 3),
        perRequest(appCpu),
        perRequest(dbCpu),
        String(appRounds.reduce((n, r) => n + r.non2xx, 0)),
      ]);
    };
    for (const target of TARGETS) {
      await measure(target, app.baseUrl);
    }
    await stop(app);
    app = spawnApp({ ...env, LOG_DB_REQUESTS: 'all' }, await freePort());
    await waitForStatus(app, '/health/ready');
    await measure(ALL_LOGS_TARGET, app.baseUrl);
    await stop(app);
    app = undefined;

    // The same uncached list as a minimal node:http + pg handler: the statements the app
    // ran for one such request, replayed per request, and the app's bytes sent back.
    const captured = await captureStatementsOnce(db.url, pathFor(UNCACHED_LIST));
    sameSql = await startSameSqlServer(db.url, captured.statements, captured.body, POOL_SIZE);
    const minimalRows: (string | number)[][] = [];
    for (const target of TARGETS.filter((t) => t.uncached)) {
      const before = rows.length;
      await measure({ ...target, label: 'minimal' }, sameSql.url, sameSql.child.pid);
      rows.splice(before);
      const connections = target.connections ?? CONNECTIONS;
      const appMiss = missCpu.get(`${target.label}|${connections}`);
      const minimal = missCpu.get(`minimal|${connections}`);
      minimalRows.push([
        String(connections),
        appMiss ? fmt(appMiss.us) : '-',
        minimal ? fmt(minimal.us) : '-',
        appMiss && minimal ? fmt(appMiss.us / minimal.us, 2) : '-',
        appMiss ? fmt(appMiss.p50, 1) : '-',
        minimal ? fmt(minimal.p50, 1) : '-',
      ]);
    }
    sameSqlTable = {
      title: 'HTTP: an uncached list against a minimal node:http + pg handler',
      description:
        `The uncached gene list page of the table above (same run) against a minimal handler in its own ` +
        `process: node:http and a pg pool of ${POOL_SIZE} (the app's default), running per request the ` +
        `${captured.statements.length} data statements the app ran for one such request (captured from its ` +
        'pg client; cache, log and session statements left out, so the app additionally pays its cache ' +
        'write), one after another, and sending the bytes the app sent. CPU = user plus system seconds of ' +
        'the server process and of every PostgreSQL process per request served. Goal (issue 24): app ' +
        '÷ minimal ≤ 1.3.',
      columns: [
        'connections',
        'app CPU µs/req (app + PostgreSQL)',
        'minimal CPU µs/req (process + PostgreSQL)',
        'app ÷ minimal',
        'app p50 ms',
        'minimal p50 ms',
      ],
      rows: minimalRows,
    };
    const main: BenchTable = {
      title: 'HTTP: the app against a bare node:http server with the same bytes',
      description:
        `App in its own process (NODE_ENV=production, ${'5,000'} genes; LOG_LEVEL=warn keeps request ` +
        'lines off stdout; by default `system_logs` keeps only failed and slow requests), ' +
        "baseline a bare node:http process returning the app's own response bytes. autocannon, " +
        `${CONNECTIONS} connections unless stated, ${SECONDS} s, ${ROUNDS} alternating rounds per ` +
        'target (means). Uncached list: a distinct `filter[max_score]` per request so the response ' +
        'cache never hits (values never repeat across rounds). The 1-connection row sends one ' +
        'request at a time over a keep-alive socket, timed per request. The LOG_DB_REQUESTS=all row is a second app process on the same data that ' +
        'stores one row per request. Snapshot ingestion off (the bench seeds its own genes). ' +
        'Baseline figures move with the load other processes put on the machine; compare ratios. ' +
        'CPU columns: user plus system seconds of the app process and of every PostgreSQL process ' +
        '(from /proc) during the app rounds, per request served; a PostgreSQL backend that exits ' +
        'during a round takes its seconds with it. autocannon runs in the bench process. ' +
        'Goals: cached detail ≥ 0.5 of the baseline throughput with p99 ≤ 10 ms at 50 connections; ' +
        'uncached list p50 ≤ 10 ms.',
      columns: [
        'target',
        'connections',
        'app req/s',
        'app p50 ms',
        'app p99 ms',
        'app max ms',
        'baseline req/s',
        'baseline p99 ms',
        'app ÷ baseline',
        'app CPU µs/req',
        'PostgreSQL CPU µs/req',
        'errors',
      ],
      rows,
    };
    return sameSqlTable ? [main, sameSqlTable] : [main];
  } finally {
    await sameSql?.close();
    if (app) {
      await stop(app);
    }
    if (baseline) {
      baseline.child.kill('SIGTERM');
      await rm(baseline.dir, { recursive: true, force: true });
    }
    await db.stop();
  }
}
