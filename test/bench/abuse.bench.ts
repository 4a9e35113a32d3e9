import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

import { freePort } from '../../src/database/free-port.js';
import { repeated, workbook } from '../factories/xlsx-files.js';
import { type AppProcess, spawnApp, waitForStatus } from '../support/app-process.js';
import type { BenchTable } from './report.js';
import { fmt, percentile } from './stats.js';

const ADMIN_PASSWORD = 'Bench-Admin-Passw0rd';
const PHASE_MS = 20_000;
const PROBE_EVERY_MS = 20;
const ATTACKERS = 4;

interface Phase {
  latencies: number[];
  probeErrors: number;
  abuse: Map<number, number>;
  peakRssMb: number;
}

/** The app's resident set, from /proc (Linux). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** `{"k0":0,"k1":0,…}`: about 1 MB of keys that no request DTO declares. */
function manyKeysBody(): string {
  const parts: string[] = [];
  for (let i = 0; i < 70_000; i++) {
    parts.push(`"k${i}":0`);
  }
  return `{${parts.join(',')}}`;
}

/** 20,000 nested objects, about 117 KB. */
function deepBody(): string {
  return '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
}

async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) {
    throw new Error(`login ${username}: ${res.status}`);
  }
  return ((await res.json()) as { access_token: string }).access_token;
}

async function register(
  baseUrl: string,
  adminToken: string,
  username: string,
  role: 'viewer' | 'curator',
): Promise<string> {
  const password = 'Bench-User-Passw0rd';
  const res = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ username, email: `${username}@example.org`, password, role }),
  });
  if (res.status !== 201) {
    throw new Error(`register ${username}: ${res.status}`);
  }
  return password;
}

/**
 * Probes `url` every `everyMs` until `until`, in a worker thread: its own event loop, so
 * what the bench's attackers cost on the main thread does not show up as probe latency.
 */
const PROBE_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const { url, until, everyMs } = workerData;
  const latencies = [];
  let errors = 0;
  while (Date.now() < until) {
    const started = performance.now();
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) errors += 1;
    } catch {
      errors += 1;
    }
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  parentPort.postMessage({ latencies, errors });
})();
`;

function probeInWorker(
  url: string,
  until: number,
): Promise<{ latencies: number[]; errors: number }> {
  const worker = new Worker(PROBE_WORKER, {
    eval: true,
    workerData: { url, until, everyMs: PROBE_EVERY_MS },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { latencies: number[]; errors: number }) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

/**
 * Probes `/health/live` every 20 ms for one phase while `load` runs, and samples the app's
 * RSS. Answers to the load are counted by status.
 */
async function phase(
  app: AppProcess,
  load: (until: number, count: (status: number) => void) => Promise<void>,
): Promise<Phase> {
  const result: Phase = { latencies: [], probeErrors: 0, abuse: new Map(), peakRssMb: 0 };
  const until = Date.now() + PHASE_MS;
  const count = (status: number) => result.abuse.set(status, (result.abuse.get(status) ?? 0) + 1);
  const pid = app.child.pid!;
  const sampler = (async () => {
    while (Date.now() < until) {
      result.peakRssMb = Math.max(result.peakRssMb, await rssMb(pid));
      await sleep(50);
    }
  })();
  const [probe] = await Promise.all([
    probeInWorker(`${app.baseUrl}/health/live`, until),
    sampler,
    load(until, count),
  ]);
  result.latencies = probe.latencies;
  result.probeErrors = probe.errors;
  return result;
}

async function send(url: string, init: RequestInit, count: (status: number) => void) {
  try {
    const res = await fetch(url, init);
    await res.arrayBuffer();
    count(res.status);
  } catch {
    count(0);
  }
}

function row(name: string, p: Phase, baselineP99: number): (string | number)[] {
  const sorted = [...p.latencies].sort((a, b) => a - b);
  const p99 = percentile(sorted, 99);
  const statuses = [...p.abuse.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(', ');
  const fivexx = [...p.abuse.entries()]
    .filter(([status]) => status >= 500 || status === 0)
    .reduce((sum, [, n]) => sum + n, 0);
  return [
    name,
    sorted.length,
    fmt(percentile(sorted, 50), 1),
    fmt(p99, 1),
    fmt(sorted.at(-1) ?? Number.NaN, 1),
    fmt(p99 / baselineP99, 2),
    p.probeErrors + fivexx,
    statuses || '—',
    fmt(p.peakRssMb),
  ];
}

/** Time of one failed login for `username`, from its own client address. */
async function failedLoginMs(baseUrl: string, username: string, ip: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ username, password: 'not-the-password' }),
  });
  await res.arrayBuffer();
  if (res.status !== 401) {
    throw new Error(`login ${username}: ${res.status}`);
  }
  return performance.now() - started;
}

/**
 * Failed logins for real accounts against names no account has, interleaved: 12 accounts
 * and 12 names, 4 attempts each (under the free attempts, so every one is verified).
 */
async function loginTiming(baseUrl: string, adminToken: string) {
  const known: number[] = [];
  const unknown: number[] = [];
  for (let round = 0; round < 12; round++) {
    const username = `bench_viewer_${round}`;
    await register(baseUrl, adminToken, username, 'viewer');
    for (let i = 0; i < 4; i++) {
      known.push(await failedLoginMs(baseUrl, username, `10.9.${round}.${2 * i}`));
      unknown.push(await failedLoginMs(baseUrl, `nobody_${round}`, `10.9.${round}.${2 * i + 1}`));
    }
  }
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  return { knownMs: median(known), unknownMs: median(unknown), n: known.length };
}

/**
 * Liveness while the service is abused (issue: hardening): four clients send the worst
 * JSON bodies (70,000 unknown keys; 20,000 levels of nesting) to the public refresh route
 * while a curator uploads an XLSX whose one cell inflates to 300 MB and a 20 MB CSV. The
 * baseline is the same probe on the same process with no other traffic.
 */
export async function abuseBenchmark(): Promise<BenchTable> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kgdb-bench-abuse-'));
  const app = spawnApp(
    {
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnop',
      ADMIN_PASSWORD,
      EMBEDDED_PG_DATA_DIR: join(dataDir, 'pg'),
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
      UPSTREAM_MODE: 'snapshot',
      // Every abusive request must reach the app, not a rate limiter.
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: '100000',
    },
    await freePort(),
  );
  try {
    await waitForStatus(app, '/health/ready', 200, 100);
    const adminToken = await login(app.baseUrl, 'admin', ADMIN_PASSWORD);
    const curatorPassword = await register(app.baseUrl, adminToken, 'bench_curator', 'curator');
    const curator = await login(app.baseUrl, 'bench_curator', curatorPassword);
    const bomb = await workbook({
      rows: ['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'],
      sharedStrings: (function* () {
        yield '<si><t>';
        yield* repeated('A', 300 * 1024 * 1024);
        yield '</t></si>';
      })(),
    });
    // About 20 MB: 900,000 rows of distinct would-be symbols.
    const lines = ['symbol,panels'];
    for (let i = 0; lines.length < 900_000; i++) {
      lines.push(`ZQB${i},Kidney panel`);
    }
    const csv = Buffer.from(lines.join('\n'));
    const manyKeys = manyKeysBody();
    const deep = deepBody();

    const bodies = (until: number, count: (status: number) => void) =>
      Promise.all(
        Array.from({ length: ATTACKERS }, async (_, n) => {
          for (let i = 0; Date.now() < until; i++) {
            await send(
              `${app.baseUrl}/api/auth/refresh`,
              {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: (i + n) % 2 === 0 ? manyKeys : deep,
              },
              count,
            );
          }
        }),
      );
    const uploads = async (until: number, count: (status: number) => void) => {
      for (let i = 0; Date.now() < until; i++) {
        const form = new FormData();
        form.append('identifier', `Bench Lab ${i}`);
        if (i % 2 === 0) {
          form.append('file', new Blob([bomb]), 'bomb.xlsx');
        } else {
          form.append('file', new Blob([csv]), 'big.csv');
        }
        await send(
          `${app.baseUrl}/api/ingestion/DiagnosticPanels/upload`,
          { method: 'POST', headers: { authorization: `Bearer ${curator}` }, body: form },
          count,
        );
      }
    };

    const idle = await phase(app, async () => undefined);
    const bodiesOnly = await phase(app, async (until, count) => {
      await bodies(until, count);
    });
    const uploadsOnly = await phase(app, uploads);
    const abused = await phase(app, async (until, count) => {
      await Promise.all([bodies(until, count), uploads(until, count)]);
    });
    const baselineP99 = percentile(
      [...idle.latencies].sort((a, b) => a - b),
      99,
    );

    const { knownMs, unknownMs, n } = await loginTiming(app.baseUrl, adminToken);

    return {
      title: 'Abuse: liveness under hostile bodies and uploads',
      description:
        `\`node dist/src/main.js\` (production, embedded PostgreSQL) as a child process. For ${PHASE_MS / 1000} s ` +
        `each, \`GET /health/live\` every ${PROBE_EVERY_MS} ms: first with no other traffic (the baseline), then while ` +
        `${ATTACKERS} clients post to the public \`/api/auth/refresh\` a 1 MB body of 70,000 unknown keys and a ` +
        '117 KB body nested 20,000 levels, in turn, and a curator uploads an XLSX whose one cell inflates to ' +
        '300 MB and a 20 MB CSV, in turn. "Errors" counts probe failures plus 5xx or dropped answers to the ' +
        'abusive requests; RSS is the app process at its peak among the samples. Goal: liveness p99 ≤ 50 ms, ' +
        `no errors, RSS < 512 MB. Failed logins (${n} each, interleaved, every one verified): median for a real account ` +
        `${fmt(knownMs, 1)} ms, a name without an account ${fmt(unknownMs, 1)} ms (ratio ${fmt(knownMs / unknownMs, 2)}).`,
      columns: [
        'phase',
        'probes',
        'live p50 ms',
        'live p99 ms',
        'live max ms',
        'p99 / baseline',
        'errors',
        'abusive answers',
        'peak RSS MB',
      ],
      rows: [
        row('baseline (no other traffic)', idle, baselineP99),
        row('4 clients sending hostile bodies', bodiesOnly, baselineP99),
        row('a curator uploading hostile files', uploadsOnly, baselineP99),
        row('both at once', abused, baselineP99),
      ],
    };
  } finally {
    app.child.kill('SIGTERM');
    await app.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}
