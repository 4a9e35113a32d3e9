import { Agent, createServer, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { CacheService } from '../../src/cache/cache.service.js';
import { startBenchDatabase } from './bench-app.js';
import { refreshScores } from './exports.bench.js';
import { seedBenchGenes } from './genes.bench.js';
import { startHttpApp } from './http-app.js';
import type { BenchTable } from './report.js';
import { captureStatements, POOL_SIZE, startSameSqlServer } from './same-sql-baseline.js';
import { fmt, median } from './stats.js';

/** Gene counts measured, seeded one after the other into the same database. */
const SIZES = [5_000, 20_000, 50_000];
const SAMPLES = 60;
const WARMUP = 10;
/** The concurrent column: connections, and seconds per read. */
const CONNECTIONS = 50;
const CONCURRENT_SECONDS = 4;

interface Read {
  label: string;
  namespace: string;
  /** The path of the i-th request (a random gene for the detail). */
  path: (i: number, genes: number) => string;
  /**
   * Under concurrency, the i-th request's path: a URL no earlier request used, so the
   * response cache misses (the same page spelt another way, or another gene). Absent for
   * a read with one URL, whose misses come from clearing its namespace meanwhile.
   */
  distinct?: (i: number, genes: number) => string;
  status: number;
}

/**
 * `value` spelt the i-th way (leading zeros, trailing decimal zeros): the same number to
 * the API, another URL to the response cache, which keys the query as sent.
 */
function spelt(value: number, i: number): string {
  const zeros = i % 64;
  const decimals = Math.floor(i / 64);
  return `${'0'.repeat(zeros)}${value}${decimals ? `.${'0'.repeat(decimals)}` : ''}`;
}

const FILTERED =
  'filter[min_score]=10&filter[source]=PubTator&sort=-evidence_count,approved_symbol';
/**
 * The filter of the i-th filtered read: its upper score bound steps from 100 down to 31 and
 * round again, so each of 70 requests in a row is a filter not seen before, whose tier
 * counts (kept per filter, across its pages and sorts) are a miss as well as its page.
 */
const filteredBy = (i: number) => `${FILTERED}&filter[max_score]=${100 - (i % 70)}`;
const detailOf = (i: number, genes: number) => `/api/genes/GENE${1 + ((i * 7919) % genes)}`;

const READS: Read[] = [
  {
    label: 'list, default page',
    namespace: 'genes',
    path: () => '/api/genes',
    distinct: (i) => `/api/genes?page[number]=${spelt(1, i)}`,
    status: 200,
  },
  {
    label: 'list, filtered + sorted, page 3',
    namespace: 'genes',
    path: (i) => `/api/genes?${filteredBy(i)}&page[number]=3`,
    distinct: (i) => `/api/genes?${filteredBy(i)}&page[number]=${spelt(3, Math.floor(i / 70))}`,
    status: 200,
  },
  {
    label: 'gene detail, random gene',
    namespace: 'genes',
    // A fixed stride through the ids (7919 is prime): the same genes on every run, and no
    // gene twice before every gene was asked for.
    path: detailOf,
    distinct: (i, genes) => detailOf(i + SAMPLES + WARMUP, genes),
    status: 200,
  },
  {
    label: 'gene detail, unknown symbol (404)',
    namespace: 'genes',
    path: (i) => `/api/genes/NOSUCHGENE${i}`,
    distinct: (i) => `/api/genes/NOSUCHGENE${i + SAMPLES + WARMUP}`,
    status: 404,
  },
  {
    label: 'statistics summary',
    namespace: 'statistics',
    path: () => '/api/statistics/summary',
    status: 200,
  },
];

async function get(url: string, status: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== status) {
    throw new Error(`${url} answered ${res.status}, expected ${status}`);
  }
  return ms;
}

/** p50 of one client's requests, one at a time, after a warm-up. */
async function sequentialP50(
  url: (i: number) => string,
  status: number,
  before?: () => Promise<unknown>,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i += 1) {
    await before?.();
    const ms = await get(url(i), status);
    if (i >= WARMUP) {
      times.push(ms);
    }
  }
  return median(times);
}

interface Concurrent {
  /** p50 of the responses that were cache misses (every response for distinct URLs). */
  missP50: number;
  misses: number;
  requests: number;
  /** Responses with another status than the read's (e.g. 503 when the pool is exhausted). */
  failed: number;
}

/**
 * `CONNECTIONS` clients on keep-alive sockets, each sending its next request when the
 * last is answered, for `CONCURRENT_SECONDS`; every response is timed and its X-Cache
 * header read, so misses can be told from hits.
 */
async function concurrent(
  base: string,
  path: (i: number) => string,
  status: number,
): Promise<Concurrent> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const { hostname, port } = new URL(base);
  const missTimes: number[] = [];
  let next = 0;
  let requests = 0;
  let failed = 0;
  const until = performance.now() + CONCURRENT_SECONDS * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const i = next++;
      const started = performance.now();
      const { code, cache } = await new Promise<{ code: number; cache: string | undefined }>(
        (resolve, reject) => {
          httpGet({ host: hostname, port, path: path(i), agent }, (res) => {
            res.resume();
            res.on('end', () =>
              resolve({
                code: res.statusCode ?? 0,
                cache: res.headers['x-cache'] as string | undefined,
              }),
            );
          }).on('error', reject);
        },
      );
      const ms = performance.now() - started;
      requests += 1;
      if (code !== status) {
        failed += 1;
      } else if (cache !== 'HIT') {
        missTimes.push(ms);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONNECTIONS }, client));
  } finally {
    agent.destroy();
  }
  return { missP50: median(missTimes), misses: missTimes.length, requests, failed };
}

/** `p50 (misses of requests)`, and the failures when there were any. */
function concurrentCell(run: Concurrent): string {
  const failures = run.failed ? `, ${run.failed} failed` : '';
  return `${fmt(run.missP50, 1)} (${run.misses} of ${run.requests}${failures})`;
}

/** A bare `node:http` server answering `bytes`, in this process. */
async function bareServer(bytes: Buffer): Promise<{ url: string; close(): void }> {
  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(bare.address() as AddressInfo).port}`,
    close: () => bare.close(),
  };
}

/**
 * Uncached reads as the gene table grows: every read of issue 24 at 5,000, 20,000 and
 * 50,000 genes, one client and 50 connections, against same-run baselines: a bare
 * `node:http` server with the detail's bytes, and a minimal `node:http` + `pg` handler
 * running the statements the app ran for the default list page.
 */
export async function scaleBenchmark(): Promise<BenchTable> {
  const db = await startBenchDatabase();
  try {
    const app = await startHttpApp(db.url);
    try {
      const cache = app.app.get(CacheService);
      const one = new Map<string, number[]>();
      const many = new Map<string, string[]>();
      const push = <T>(m: Map<string, T[]>, label: string, v: T) =>
        m.set(label, [...(m.get(label) ?? []), v]);
      const BARE = 'bare node:http, same detail bytes (baseline)';
      const MINIMAL =
        'minimal node:http + pg, the default list page’s statements and bytes (baseline)';
      const statementCounts: number[] = [];
      let seeded = 0;
      for (const size of SIZES) {
        await seedBenchGenes(db.url, size - seeded, seeded + 1);
        seeded = size;
        await refreshScores(db.url);
        await cache.clearAll();
        for (const read of READS) {
          push(
            one,
            read.label,
            await sequentialP50(
              (i) => app.url + read.path(i, size),
              read.status,
              () => cache.clearNamespace(read.namespace),
            ),
          );
        }
        // Baselines at this size, in the same run, before the concurrent runs fill L1 with
        // thousands of pages: the capture must see the miss a single client sees.
        const detail = Buffer.from(await (await fetch(`${app.url}/api/genes/GENE1`)).arrayBuffer());
        const bare = await bareServer(detail);
        try {
          push(one, BARE, await sequentialP50(() => `${bare.url}/`, 200));
          const run = await concurrent(bare.url, () => '/', 200);
          push(many, BARE, concurrentCell(run));
        } finally {
          bare.close();
        }
        // A score refresh just before a capture (the app's own, after a seed) clears the
        // per-refresh aggregates, and the capture would record their recomputation; of two
        // captures the shorter is the miss a client normally sees.
        const captures = [];
        for (let n = 0; n < 2; n += 1) {
          await cache.clearNamespace('genes');
          captures.push(await captureStatements(app.url, '/api/genes'));
        }
        const captured = captures.reduce((a, b) =>
          b.statements.length < a.statements.length ? b : a,
        );
        statementCounts.push(captured.statements.length);
        const minimal = await startSameSqlServer(
          db.url,
          captured.statements,
          captured.body,
          POOL_SIZE,
        );
        try {
          push(one, MINIMAL, await sequentialP50(() => `${minimal.url}/`, 200));
          const run = await concurrent(minimal.url, () => '/', 200);
          push(many, MINIMAL, concurrentCell(run));
        } finally {
          await minimal.close();
        }
        for (const read of READS) {
          let clearing = true;
          // One URL: its namespace is cleared over and over while the clients run.
          const clearer = read.distinct
            ? Promise.resolve()
            : (async () => {
                while (clearing) {
                  await cache.clearNamespace(read.namespace);
                  await sleep(2);
                }
              })();
          try {
            const run = await concurrent(
              app.url,
              (i) => (read.distinct ? read.distinct(i, size) : read.path(i, size)),
              read.status,
            );
            push(many, read.label, concurrentCell(run));
          } finally {
            clearing = false;
            await clearer;
          }
        }
      }
      const bareAt50k = one.get(BARE)!.at(-1)!;
      const rows = [...READS.map((r) => r.label), MINIMAL, BARE].map((label) => {
        const figures = one.get(label)!;
        return [
          label,
          ...figures.map((ms) => fmt(ms, 2)),
          fmt(figures[figures.length - 1] / figures[0], 2),
          fmt(figures[figures.length - 1] / bareAt50k, 1),
          ...many.get(label)!,
        ];
      });
      return {
        title: 'Scale: uncached reads at 5,000, 20,000 and 50,000 genes',
        description:
          'Seeded genes with pseudo-random evidence from all seven sources (fixed seed), the same ' +
          'database grown from 5,000 to 20,000 to 50,000 genes, scores refreshed and analysed after each ' +
          'step; real app over HTTP on loopback, embedded PostgreSQL 18, clients in the bench process. ' +
          `One client: p50 of ${SAMPLES} requests per cell after ${WARMUP} warm-up requests, the read's ` +
          'cache namespace cleared (untimed) before each, so every response is a miss. ' +
          `${CONNECTIONS} connections: ${CONCURRENT_SECONDS} s per cell, each client sending its next ` +
          'request when the last is answered; p50 of the responses that were cache misses, with misses, ' +
          "requests and failed requests (another status than the read's, such as a 503) in brackets. Each request there uses a URL no earlier one used (the same page " +
          'with its page number spelt differently, the next gene of the stride, another unknown symbol); ' +
          'the statistics summary has one URL, so its namespace is cleared over and over while the ' +
          "clients run, and concurrent misses share one load. A filter's tier counts are kept per " +
          'filter in `genes-meta` until the next score refresh, which this bench does not clear: the ' +
          'filtered read changes its upper score bound on each request (100 down to 31, then round ' +
          'again), so with one client its tier counts miss too; the 50-connection run reuses those ' +
          "filters, whose tier counts the one-client run left in the cache. The default filter's " +
          'tier counts and the gene and source totals are ' +
          'recomputed right after each refresh and found ready. Growth = the 50,000-gene p50 ÷ the ' +
          '5,000-gene p50 (flat is 1). Baselines, at each size: a bare `node:http` server answering the ' +
          'detail bytes, and a minimal `node:http` + `pg` server (pool of ' +
          `${POOL_SIZE}) running the data statements the app ran for the default list page (captured ` +
          `from its pg client: ${statementCounts.join(' / ')} at the three sizes) and sending its bytes. ` +
          'Goals (issue 24): every read ≤ 10 ms p50 with one ' +
          `client and ≤ 50 ms with ${CONNECTIONS} connections at 50,000 genes.`,
        columns: [
          'read (uncached)',
          '1 client p50 ms at 5,000',
          'at 20,000',
          'at 50,000',
          'growth 50k ÷ 5k',
          '50k ÷ bare baseline',
          `${CONNECTIONS} connections p50 ms at 5,000`,
          'at 20,000',
          'at 50,000',
        ],
        rows,
      };
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}
