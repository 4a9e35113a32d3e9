import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../src/database/free-port.js';
import { spawnApp, waitForStatus } from '../support/app-process.js';
import type { BenchTable } from './report.js';
import { fmt, median } from './stats.js';

const ROUNDS = 5;

/** Spawn-to-first-200 of a bare node:http server: the floor any Node service pays. */
async function baselineStart(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['-e', `require('node:http').createServer((q,s)=>s.end('ok')).listen(${port},'127.0.0.1')`],
    { stdio: 'ignore' },
  );
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) {
        break;
      }
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const elapsed = performance.now() - started;
  child.kill('SIGTERM');
  return elapsed;
}

async function appStart(env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const app = spawnApp({ ...env, LOG_LEVEL: 'warn' }, port);
  await waitForStatus(app, '/health/ready', 200, 5);
  const elapsed = performance.now() - started;
  app.child.kill('SIGTERM');
  await app.exited;
  return elapsed;
}

/**
 * `npm start` as a user types it, in this checkout (compiled already, so its build step
 * finds nothing to do), on an existing data folder: npm, `scripts/build.sh` and the app.
 */
async function npmStart(env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      ...env,
      PORT: String(port),
    },
    stdio: 'ignore',
    // Its own process group: npm, its shell and the app stop together.
    detached: true,
  });
  const exited = once(child, 'exit');
  try {
    await waitForStatus(
      {
        child,
        baseUrl: `http://127.0.0.1:${port}`,
        output: () => '(npm start output not kept)',
        exited: exited.then(() => 'exited'),
      },
      '/health/ready',
      200,
      5,
    );
    return performance.now() - started;
  } finally {
    if (child.pid !== undefined && child.exitCode === null) {
      process.kill(-child.pid, 'SIGTERM');
    }
    await exited;
  }
}

/** Cold (initdb + migrations) and warm (existing data folder) start of `node dist/src/main.js`. */
export async function startupBenchmark(): Promise<BenchTable> {
  const root = await mkdtemp(join(tmpdir(), 'kgdb-bench-start-'));
  await chmod(root, 0o755);
  const cold: number[] = [];
  const warm: number[] = [];
  const npmWarm: number[] = [];
  const baseline: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const env = {
        EMBEDDED_PG_DATA_DIR: join(root, `pg-${round}`),
        EMBEDDED_PG_PORT: String(await freePort()),
      };
      baseline.push(await baselineStart());
      cold.push(await appStart(env));
      warm.push(await appStart(env));
      npmWarm.push(await npmStart(env));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const base = median(baseline);
  const row = (label: string, xs: number[]) => [
    label,
    fmt(median(xs)),
    fmt(Math.min(...xs)),
    fmt(Math.max(...xs)),
    fmt(median(xs) / base, 1),
  ];
  return {
    title: 'Startup: process spawn to /health/ready',
    description:
      `Embedded PostgreSQL, ${ROUNDS} alternating rounds. Cold = empty data folder (initdb, ` +
      'create database, migrations); warm = existing folder. `npm start`, warm = the command a ' +
      'user types, in this checkout with nothing to compile (npm, the build check of ' +
      '`scripts/build.sh`, then the app) on the same existing folder. Baseline = a bare ' +
      '`node:http` server spawned the same way, to its first 200. Goals: ready in under 5 s; ' +
      'a warm `npm start` ready in 3 s (issue 24).',
    columns: ['case', 'median ms', 'min ms', 'max ms', '× baseline'],
    rows: [
      row('cold start', cold),
      row('warm start', warm),
      row('`npm start`, warm', npmWarm),
      row('baseline node:http', baseline),
    ],
  };
}
