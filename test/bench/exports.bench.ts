import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import pg from 'pg';

import { refreshScoreViews, startBenchDatabase } from './bench-app.js';
import { seedBenchGenes } from './genes.bench.js';
import { startHttpApp } from './http-app.js';
import type { BenchTable } from './report.js';
import { fmt, median } from './stats.js';

const SMALL = 5_000;
const LARGE = 50_000;
const RUNS = 3;
const MB = 1024 * 1024;
/** Below this a growth is noise (allocator, JIT): ratios are taken against at least this. */
const NOISE_MB = 1;

/** Full collections between runs, so growth is measured from the same floor. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) {
    return exposed;
  }
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

interface Measured {
  ms: number;
  bytes: number;
  /** Peak RSS during the download minus RSS before it. */
  rssMb: number;
  /** Peak live heap (heap used right after a full GC) minus the same before. */
  liveHeapMb: number;
}

type Probe = 'time' | 'rss' | 'heap';

/**
 * Downloads `url`, counting and discarding the bytes; the app and the client share the
 * process, so memory growth is the server's (the client holds one chunk at a time).
 * `probe` says what is sampled: nothing (`time`), RSS every 5 ms without interfering
 * (`rss`), or the live heap after a full GC at every megabyte received (`heap`), which
 * slows the download. (A GC on a timer starves the event loop on a busy machine.)
 */
async function download(url: string, gc: () => void, probe: Probe): Promise<Measured> {
  gc();
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const sampler =
    probe === 'rss'
      ? setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 5)
      : undefined;
  const t0 = performance.now();
  let bytes = 0;
  let nextProbe = MB;
  try {
    const res = await fetch(url);
    if (res.status !== 200 || !res.body) {
      throw new Error(`${url} answered ${res.status}`);
    }
    for await (const chunk of res.body) {
      bytes += (chunk as Uint8Array).byteLength;
      if (probe === 'heap' && bytes >= nextProbe) {
        nextProbe += MB;
        gc();
        heap = Math.max(heap, process.memoryUsage().heapUsed);
      }
    }
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - t0;
  return { ms, bytes, rssMb: (rss - before.rss) / MB, liveHeapMb: (heap - before.heapUsed) / MB };
}

/** Each figure as the median of `RUNS` downloads made for it. */
async function measure(url: string, gc: () => void): Promise<Measured> {
  const runs = async (probe: Probe) => {
    const out: Measured[] = [];
    for (let i = 0; i < RUNS; i++) {
      out.push(await download(url, gc, probe));
    }
    return out;
  };
  const timed = await runs('time');
  const rss = await runs('rss');
  const heap = await runs('heap');
  return {
    ms: median(timed.map((r) => r.ms)),
    bytes: median(timed.map((r) => r.bytes)),
    rssMb: median(rss.map((r) => r.rssMb)),
    liveHeapMb: median(heap.map((r) => r.liveHeapMb)),
  };
}

/** The same rows read by a plain client in one query: the database's share of the time. */
async function plainSelect(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await client.query(
        `SELECT g.*, s.* FROM genes g LEFT JOIN gene_scores s ON s.gene_id = g.id
         ORDER BY coalesce(s.percentage_score, 0) DESC, g.approved_symbol, g.id`,
      );
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    await client.end();
  }
}

/** Scores for freshly seeded genes, and statistics the planner can use. */
export async function refreshScores(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await refreshScoreViews(client);
  } finally {
    await client.end();
  }
}

/**
 * Memory of streaming the whole gene table: growth while exporting 50,000 genes against
 * the growth while exporting 5,000 in the same process. Constant memory means a ratio
 * near 1 for ten times the rows.
 */
export async function exportsBenchmark(): Promise<BenchTable> {
  const gc = collector();
  const db = await startBenchDatabase();
  try {
    const app = await startHttpApp(db.url);
    try {
      const all = `${app.url}/api/genes/export?filter[hide_zero_scores]=false`;
      await seedBenchGenes(db.url, SMALL);
      await refreshScores(db.url);
      await download(`${all}&format=csv`, gc, 'time'); // warm-up
      const small = await measure(`${all}&format=csv`, gc);
      await seedBenchGenes(db.url, LARGE - SMALL, SMALL + 1);
      await refreshScores(db.url);
      await download(`${all}&format=csv`, gc, 'time'); // warm-up
      const large: [string, Measured][] = [];
      for (const format of ['csv', 'tsv', 'json']) {
        large.push([format, await measure(`${all}&format=${format}`, gc)]);
      }
      const selectMs = await plainSelect(db.url);
      const ratio = (mb: number, base: number) =>
        fmt(Math.max(mb, NOISE_MB) / Math.max(base, NOISE_MB), 2);
      const row = (label: string, genes: number, r: Measured): (string | number)[] => [
        label,
        genes.toLocaleString('en'),
        fmt(r.bytes / MB, 1),
        fmt(r.ms, 0),
        genes === LARGE ? fmt(r.ms / selectMs, 1) : '-',
        fmt(r.rssMb, 1),
        ratio(r.rssMb, small.rssMb),
        fmt(r.liveHeapMb, 1),
        ratio(r.liveHeapMb, small.liveHeapMb),
      ];
      return {
        title: 'Exports: memory of streaming the gene table',
        description:
          `\`GET /api/genes/export\` of every gene, ${SMALL.toLocaleString('en')} then ` +
          `${LARGE.toLocaleString('en')} genes with pseudo-random evidence (fixed seed), embedded ` +
          `PostgreSQL 18, client in the same process reading and discarding the body. Median of ` +
          `${RUNS} downloads per figure after a warm-up, each from a full GC: time without probes; ` +
          'RSS growth = peak RSS (sampled every 5 ms) minus RSS before; live heap growth = peak of ' +
          'heap used right after a forced full GC (at every MB received) minus the same before, i.e. what ' +
          'the export retains, not its short-lived garbage. Time baseline: one plain `SELECT` of ' +
          `all ${LARGE.toLocaleString('en')} genes with their scores through \`pg\` ` +
          `(${fmt(selectMs, 0)} ms). Goals: RSS growth ≤ 50 MB, and ten times the rows costing ` +
          `about the same memory (ratios ≈ 1; growths under ${NOISE_MB} MB count as ${NOISE_MB} MB).`,
        columns: [
          'export',
          'genes',
          'MB sent',
          'ms',
          'ms ÷ plain SELECT',
          'RSS growth MB',
          `÷ ${SMALL.toLocaleString('en')}-gene CSV`,
          'live heap growth MB',
          `÷ ${SMALL.toLocaleString('en')}-gene CSV`,
        ],
        rows: [
          row('csv (baseline)', SMALL, small),
          ...large.map(([format, r]) => row(format, LARGE, r)),
        ],
      };
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}
