import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { freePort } from '../../src/database/free-port.js';
import { spawnApp, waitForStatus } from '../support/app-process.js';
import type { BenchTable } from './report.js';
import { fmt, median } from './stats.js';

const ROUNDS = 5;
/** Rounds that also time a first `npm start` in a fresh copy (a full compile each). */
const FIRST_ROUNDS = 2;

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
 * `npm start` as a user types it, by default in this checkout (compiled already, so its
 * build step finds nothing to do): npm, `scripts/build.sh` and the app.
 */
async function npmStart(env: Record<string, string>, cwd = process.cwd()): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd,
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

/**
 * The first `npm start` after `npm install` in a fresh clone: the checkout's tracked files
 * (what a clone holds) copied to an empty folder with this install linked in, so there is
 * no `dist/` and no data folder; the build and a cold start are both timed.
 */
async function firstNpmStart(root: string, round: number): Promise<number> {
  const clone = join(root, `clone-${round}`);
  const files = execFileSync('git', ['ls-files', '-z']).toString().split('\0').filter(Boolean);
  for (const file of files) {
    await cp(file, join(clone, file), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      // A file deleted in the working tree is still listed until the deletion is staged.
      if (error.code !== 'ENOENT') {
        throw error;
      }
    });
  }
  await symlink(resolve('node_modules'), join(clone, 'node_modules'));
  return npmStart(
    {
      EMBEDDED_PG_DATA_DIR: join(root, `first-${round}`),
      EMBEDDED_PG_PORT: String(await freePort()),
    },
    clone,
  );
}

/** Cold (initdb + migrations) and warm (existing data folder) start of `node dist/src/main.js`. */
export async function startupBenchmark(): Promise<BenchTable> {
  const root = await mkdtemp(join(tmpdir(), 'kgdb-bench-start-'));
  await chmod(root, 0o755);
  const cold: number[] = [];
  const warm: number[] = [];
  const npmWarm: number[] = [];
  const npmFirst: number[] = [];
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
      if (round < FIRST_ROUNDS) {
        npmFirst.push(await firstNpmStart(root, round));
      }
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
      '`node:http` server spawned the same way, to its first 200. `npm start`, first = the ' +
      `first command after \`npm install\` in a fresh clone (${FIRST_ROUNDS} of the rounds): the ` +
      "checkout's files copied to an empty folder with this install linked in, so the build " +
      'compiles everything and the data folder is created (cold). Goals: ready in under 5 s; a ' +
      'warm `npm start` ready in 3 s, a first one in 15 s (issue 24).',
    columns: ['case', 'median ms', 'min ms', 'max ms', '× baseline'],
    rows: [
      row('cold start', cold),
      row('warm start', warm),
      row('`npm start`, warm', npmWarm),
      row('`npm start`, first (build and cold start)', npmFirst),
      row('baseline node:http', baseline),
    ],
  };
}
