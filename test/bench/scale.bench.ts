import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CacheService } from '../../src/cache/cache.service.js';
import { startBenchDatabase } from './bench-app.js';
import { refreshScores } from './exports.bench.js';
import { seedBenchGenes } from './genes.bench.js';
import { startHttpApp } from './http-app.js';
import type { BenchTable } from './report.js';
import { fmt, median } from './stats.js';

/** Gene counts measured, seeded one after the other into the same database. */
const SIZES = [5_000, 20_000, 50_000];
const SAMPLES = 60;
const WARMUP = 10;

interface Read {
  label: string;
  namespace: string;
  /** The path of the i-th request (a random gene for the detail). */
  path: (i: number, genes: number) => string;
  status: number;
}

const READS: Read[] = [
  { label: 'list, default page', namespace: 'genes', path: () => '/api/genes', status: 200 },
  {
    label: 'list, filtered + sorted, page 3',
    namespace: 'genes',
    path: () =>
      '/api/genes?filter[min_score]=10&filter[source]=PubTator&sort=-evidence_count,approved_symbol&page[number]=3',
    status: 200,
  },
  {
    label: 'gene detail, random gene',
    namespace: 'genes',
    // A fixed stride through the ids: the same genes on every run.
    path: (i, genes) => `/api/genes/GENE${1 + ((i * 7919) % genes)}`,
    status: 200,
  },
  {
    label: 'gene detail, unknown symbol (404)',
    namespace: 'genes',
    path: (i) => `/api/genes/NOSUCHGENE${i}`,
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

/**
 * Uncached reads as the gene table grows: every read of issue 24 at 5,000, 20,000 and
 * 50,000 genes, one client, the read's cache namespace cleared (untimed) before each
 * request; baseline: a bare `node:http` server answering the same detail bytes.
 */
export async function scaleBenchmark(): Promise<BenchTable> {
  const db = await startBenchDatabase();
  try {
    const app = await startHttpApp(db.url);
    try {
      const cache = app.app.get(CacheService);
      const p50 = new Map<string, number[]>();
      let floor = 0;
      let seeded = 0;
      for (const size of SIZES) {
        await seedBenchGenes(db.url, size - seeded, seeded + 1);
        seeded = size;
        await refreshScores(db.url);
        await cache.clearAll();
        for (const read of READS) {
          const times: number[] = [];
          for (let i = 0; i < WARMUP + SAMPLES; i += 1) {
            await cache.clearNamespace(read.namespace);
            const ms = await get(app.url + read.path(i, size), read.status);
            if (i >= WARMUP) {
              times.push(ms);
            }
          }
          p50.set(read.label, [...(p50.get(read.label) ?? []), median(times)]);
        }
        if (size === SIZES[0]) {
          const bytes = Buffer.from(
            await (await fetch(`${app.url}/api/genes/GENE1`)).arrayBuffer(),
          );
          const bare = createServer((_req, res) => {
            res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
            res.end(bytes);
          });
          await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
          const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
          const times: number[] = [];
          for (let i = 0; i < WARMUP + SAMPLES; i += 1) {
            const ms = await get(url, 200);
            if (i >= WARMUP) {
              times.push(ms);
            }
          }
          bare.close();
          floor = median(times);
        }
      }
      const rows = READS.map((read) => {
        const figures = p50.get(read.label)!;
        return [
          read.label,
          ...figures.map((ms) => fmt(ms, 2)),
          fmt(figures[figures.length - 1] / figures[0], 2),
          fmt(figures[figures.length - 1] / floor, 1),
        ];
      });
      rows.push([
        'bare node:http, same detail bytes (baseline)',
        fmt(floor, 2),
        '-',
        '-',
        '-',
        '1.0',
      ]);
      return {
        title: 'Scale: uncached reads at 5,000, 20,000 and 50,000 genes',
        description:
          'Seeded genes with pseudo-random evidence from all seven sources (fixed seed), the same ' +
          'database grown from 5,000 to 20,000 to 50,000 genes, scores refreshed and analysed after each ' +
          `step; real app over HTTP on loopback, embedded PostgreSQL 18, one client. p50 of ${SAMPLES} ` +
          `requests per cell after ${WARMUP} warm-up requests, the read's cache namespace cleared (untimed) ` +
          'before each, so every response is a miss. The dataset-wide aggregates (tier counts per filter, the ' +
          'statistics summary) are computed once per score refresh and kept in `genes-meta`, which this bench ' +
          'does not clear: a miss finds them ready, as after every refresh (the default scope is recomputed ' +
          'right after it). Growth = the 50,000-gene p50 ÷ the 5,000-gene p50 ' +
          '(flat is 1). Baseline: a bare `node:http` server answering the same detail bytes. Goal (issue ' +
          '24): every read ≤ 10 ms p50 at 50,000 genes.',
        columns: [
          'read (uncached, 1 client)',
          'p50 ms at 5,000',
          'at 20,000',
          'at 50,000',
          'growth 50k ÷ 5k',
          '50k ÷ baseline',
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
