import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

import autocannon from 'autocannon';
import pg from 'pg';

import { freePort } from '../../src/database/free-port.js';
import { type AppProcess, spawnApp, waitForStatus } from '../support/app-process.js';
import { refreshScoreViews, startBenchDatabase } from './bench-app.js';
import { seedBenchGenes } from './genes.bench.js';
import { cpuBetween, postgresCpu, processCpu } from './proc-cpu.js';
import type { BenchTable } from './report.js';
import { fmt, median } from './stats.js';

const ROUNDS = 5;
const SECONDS = 5;
const CONNECTIONS = 50;
const GENES = 50;
/** A gene detail the edge answers from the response cache once warmed. */
const TARGET = '/api/genes/GENE12';
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

interface Variant {
  label: string;
  env: Record<string, string>;
}

/**
 * The same app storing every request line, the default (failed and slow requests only,
 * every service line at info and above), and nothing (LOG_DB_LEVEL=silent).
 */
const VARIANTS: Variant[] = [
  {
    label: 'every request line (LOG_DB_REQUESTS=all)',
    env: { LOG_DB_LEVEL: 'info', LOG_DB_REQUESTS: 'all' },
  },
  {
    label: 'default (LOG_DB_REQUESTS=failed-or-slow)',
    env: { LOG_DB_LEVEL: 'info', LOG_DB_REQUESTS: 'failed-or-slow' },
  },
  { label: 'off (LOG_DB_LEVEL=silent)', env: { LOG_DB_LEVEL: 'silent' } },
];

interface Round {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  /** CPU seconds of the app process and of PostgreSQL during the round. */
  appCpu?: number;
  dbCpu?: number;
}

interface Running {
  variant: Variant;
  app: AppProcess;
  rounds: Round[];
}

async function drive(base: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url: base + TARGET, connections: CONNECTIONS, duration: seconds });
}

async function measure(run: Running, dataDir: string): Promise<Round> {
  const pid = run.app.child.pid;
  const [app0, db0] = [processCpu(pid), postgresCpu(dataDir)];
  const result = await drive(run.app.baseUrl, SECONDS);
  const [app1, db1] = [processCpu(pid), postgresCpu(dataDir)];
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.non2xx + result.errors,
    appCpu: app0 !== undefined && app1 !== undefined ? app1 - app0 : undefined,
    dbCpu: db0 && db1 ? cpuBetween(db0, db1) : undefined,
  };
}

/** The log writer's counters, from the app's Prometheus endpoint. */
async function writerCounters(app: AppProcess): Promise<{ written: number; dropped: number }> {
  const res = await fetch(`${app.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await res.text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    written: read('kgdb_log_writer_written_total'),
    dropped: read('kgdb_log_writer_dropped_total'),
  };
}

async function stop(app: AppProcess): Promise<void> {
  if (app.child.exitCode === null) {
    app.child.kill('SIGTERM');
    await app.exited;
  }
}

async function seed(url: string): Promise<void> {
  await seedBenchGenes(url, GENES);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await refreshScoreViews(client);
    await client.query('DELETE FROM cache_entries');
  } finally {
    await client.end();
  }
}

/**
 * Request throughput of a cached gene detail, answered by the pre-routing edge, with
 * request lines stored in `system_logs` or not. Each variant is its own app process on
 * one database, driven at full speed in turn.
 */
export async function loggingBenchmark(): Promise<BenchTable> {
  const loadBefore = loadavg()[0];
  const db = await startBenchDatabase();
  const running: Running[] = [];
  try {
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnop',
      ADMIN_PASSWORD: 'Bench-Admin-Passw0rd',
      RATE_LIMIT_PER_MINUTE: '100000000',
      METRICS_TOKEN,
      // Request lines off stdout in every variant: only persistence differs.
      LOG_LEVEL: 'warn',
      SNAPSHOT_INGEST_ON_START: 'false',
    };
    for (const variant of VARIANTS) {
      // One at a time: the first applies the migrations.
      const app = spawnApp({ ...env, ...variant.env }, await freePort());
      running.push({ variant, app, rounds: [] });
      await waitForStatus(app, '/health/ready');
      if (running.length === 1) {
        await seed(db.url);
      }
    }
    for (const run of running) {
      await drive(run.app.baseUrl, 2);
    }
    const before = await Promise.all(running.map((r) => writerCounters(r.app)));
    for (let round = 0; round < ROUNDS; round++) {
      for (const run of running) {
        run.rounds.push(await measure(run, db.dataDir));
      }
    }
    // Longer than LOG_DB_FLUSH_MS: what the last round buffered is written.
    await sleep(2000);
    const after = await Promise.all(running.map((r) => writerCounters(r.app)));
    const rows = running.map((run, i) => {
      const written = (after[i]?.written ?? 0) - (before[i]?.written ?? 0);
      const dropped = (after[i]?.dropped ?? 0) - (before[i]?.dropped ?? 0);
      return { run, written, dropped };
    });
    return table(rows, running.at(-1)?.rounds ?? [], loadBefore);
  } finally {
    for (const run of running) {
      await stop(run.app);
    }
    await db.stop();
  }
}

function table(
  rows: { run: Running; written: number; dropped: number }[],
  off: Round[],
  loadBefore: number,
): BenchTable {
  const cells = ({ run, written, dropped }: (typeof rows)[number]) => {
    const rounds = run.rounds;
    const served = rounds.reduce((n, r) => n + r.requests, 0);
    const perRequest = (pick: (r: Round) => number | undefined) => {
      const values = rounds.map(pick);
      return values.some((v) => v === undefined)
        ? '-'
        : fmt((values.reduce<number>((n, v) => n + (v ?? 0), 0) / served) * 1e6);
    };
    const rps = median(rounds.map((r) => r.rps));
    return [
      run.variant.label,
      fmt(rps),
      fmt(median(rounds.map((r) => r.p50)), 1),
      fmt(median(rounds.map((r) => r.p99)), 1),
      perRequest((r) => r.appCpu),
      perRequest((r) => r.dbCpu),
      served.toLocaleString('en'),
      written.toLocaleString('en'),
      dropped.toLocaleString('en'),
      String(rounds.reduce((n, r) => n + r.errors, 0)),
      // Round by round: the variants of a round ran back to back, under the same load.
      fmt(median(rounds.map((r, i) => r.rps / (off[i]?.rps ?? Number.NaN))), 3),
    ];
  };
  return {
    title: 'Logging: request throughput with system_logs persistence on vs off',
    description:
      `A cached gene detail (\`${TARGET}\`, answered by the pre-routing edge), ${GENES} seeded genes. ` +
      'Each variant is its own app process (NODE_ENV=production, LOG_LEVEL=warn so no request ' +
      'line reaches stdout) on one embedded PostgreSQL; autocannon in the bench process, ' +
      `${CONNECTIONS} connections, ${SECONDS} s per round, ${ROUNDS} rounds alternating between ` +
      'the variants (medians of req/s and latency). CPU columns: user plus system seconds of the ' +
      'app process and of every PostgreSQL process (from /proc) during the rounds, per request ' +
      'served. Rows written and dropped: the log writer’s own counters over the measured rounds ' +
      `(after a 2 s settle). 1-minute load before the run: ${fmt(loadBefore, 2)}. ` +
      '÷ off: the median over rounds of req/s against the "off" run of the same round. Goal: ÷ off ≥ 0.9. The target answers 200, so the default stores none of its lines.',
    columns: [
      'persistence',
      'req/s',
      'p50 ms',
      'p99 ms',
      'app CPU µs/req',
      'PostgreSQL CPU µs/req',
      'requests',
      'rows written',
      'rows dropped',
      'errors',
      '÷ off',
    ],
    rows: rows.map(cells),
  };
}
