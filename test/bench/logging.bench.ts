import autocannon from 'autocannon';
import pg from 'pg';

import { ProbeModule } from '../support/probe.module.js';
import { startBenchDatabase } from './bench-app.js';
import { startHttpApp } from './http-app.js';
import type { BenchTable } from './report.js';
import { fmt, median } from './stats.js';

const ROUNDS = 3;
const SECONDS = 5;
const CONNECTIONS = 20;

interface Round {
  rps: number;
  p50: number;
  p99: number;
}

async function drive(url: string): Promise<Round> {
  const result = await autocannon({
    url: `${url}/__probe/cached?q=bench`,
    connections: CONNECTIONS,
    duration: SECONDS,
    // The load generator runs in its own thread, not on the server's event loop.
    workers: 1,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`bench saw ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Request throughput of a cached endpoint with system_logs persistence on and off. */
export async function loggingBenchmark(): Promise<BenchTable> {
  const db = await startBenchDatabase();
  const on: Round[] = [];
  const off: Round[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of ['on', 'off'] as const) {
        const app = await startHttpApp(
          db.url,
          { LOG_DB_LEVEL: variant === 'on' ? 'info' : 'silent' },
          [ProbeModule],
        );
        try {
          await autocannon({
            url: `${app.url}/__probe/cached?q=bench`,
            connections: CONNECTIONS,
            duration: 1,
          });
          (variant === 'on' ? on : off).push(await drive(app.url));
        } finally {
          await app.close();
        }
      }
    }
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const rowsWritten = Number(
      (await client.query<{ n: string }>('SELECT count(*) AS n FROM system_logs')).rows[0]?.n ?? 0,
    );
    await client.end();
    return table(on, off, rowsWritten);
  } finally {
    await db.stop();
  }
}

function table(on: Round[], off: Round[], rowsWritten: number): BenchTable {
  const rps = (xs: Round[]) => median(xs.map((r) => r.rps));
  const row = (label: string, xs: Round[]) => [
    label,
    fmt(rps(xs)),
    fmt(median(xs.map((r) => r.p50)), 1),
    fmt(median(xs.map((r) => r.p99)), 1),
  ];
  return {
    title: 'Logging: request throughput with system_logs persistence on vs off',
    description:
      `A cached public GET endpoint, ${CONNECTIONS} connections, ${SECONDS} s per round, ${ROUNDS} alternating ` +
      'rounds (medians), embedded PostgreSQL; autocannon in a worker thread of the same process. "on" stores every request line in system_logs ' +
      `(LOG_DB_LEVEL=info; ${rowsWritten.toLocaleString('en')} rows written over the "on" rounds), "off" stores none ` +
      `(LOG_DB_LEVEL=silent); console output discarded in both. Ratio on ÷ off: **${fmt(rps(on) / rps(off), 3)}** (goal ≥ 0.95).`,
    columns: ['persistence', 'req/s', 'p50 ms', 'p99 ms'],
    rows: [row('on', on), row('off', off)],
  };
}
