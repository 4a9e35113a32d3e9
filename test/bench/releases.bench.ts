import pg from 'pg';

import { startBenchDatabase } from './bench-app.js';
import { refreshScores } from './exports.bench.js';
import { seedBenchGenes } from './genes.bench.js';
import { startHttpApp } from './http-app.js';
import type { BenchTable } from './report.js';
import { fmt } from './stats.js';

const SMALL = 5_000;
const LARGE = 50_000;
const MB = 1024 * 1024;
/** Below this a growth is noise (allocator, JIT): ratios are taken against at least this. */
const NOISE_MB = 1;

interface Sampled<T> {
  value: T;
  ms: number;
  /** Peak RSS (sampled every 5 ms) minus RSS before. */
  rssMb: number;
}

async function sampled<T>(work: () => Promise<T>): Promise<Sampled<T>> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - t0, rssMb: (peak - before) / MB };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * What publishing reads, without writing anything: every gene with its score, evidence
 * and annotations as JSON, through a plain `pg` client. The database's share of a publish.
 */
async function plainRead(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t0 = performance.now();
    await client.query(
      `SELECT g.*, s.*,
         (SELECT json_agg(json_build_object('source_name', e.source_name,
            'evidence_data', e.evidence_data) ORDER BY e.source_name)
          FROM gene_evidence e WHERE e.gene_id = g.id) AS evidence
       FROM genes g LEFT JOIN gene_scores s ON s.gene_id = g.id
       ORDER BY g.approved_symbol, g.hgnc_id`,
    );
    return performance.now() - t0;
  } finally {
    await client.end();
  }
}

/**
 * Publishing a release (freeze the genes, write JSON, CSV, TSV and the manifest into the
 * database in one transaction) at 5,000 and 50,000 genes, and downloading the large JSON:
 * time against the plain read of the same rows, memory against the small release.
 */
export async function releasesBenchmark(): Promise<BenchTable> {
  const db = await startBenchDatabase();
  try {
    const app = await startHttpApp(db.url);
    try {
      const login = await fetch(`${app.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'Bench-Admin-Passw0rd' }),
      });
      const token = ((await login.json()) as { access_token: string }).access_token;
      const auth = { Authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const publish = async (version: string) => {
        const draft = await fetch(`${app.url}/api/releases`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ version }),
        });
        const { id } = (await draft.json()) as { id: number };
        return sampled(async () => {
          const res = await fetch(`${app.url}/api/releases/${id}/publish`, {
            method: 'POST',
            headers: auth,
          });
          if (res.status !== 200) {
            throw new Error(`publish ${version}: ${res.status} ${await res.text()}`);
          }
          return (await res.json()) as {
            gene_count: number;
            files: { format: string; size: number }[];
          };
        });
      };
      const download = (version: string) =>
        sampled(async () => {
          const res = await fetch(`${app.url}/api/releases/${version}/export?format=json`);
          let bytes = 0;
          for await (const chunk of res.body!) {
            bytes += (chunk as Uint8Array).byteLength;
          }
          return bytes;
        });

      await seedBenchGenes(db.url, SMALL);
      await refreshScores(db.url);
      await publish('2030.1'); // warm-up
      const small = await publish('2030.2');
      const smallRead = await plainRead(db.url);
      await seedBenchGenes(db.url, LARGE - SMALL, SMALL + 1);
      await refreshScores(db.url);
      const large = await publish('2030.3');
      const largeRead = await plainRead(db.url);
      const got = await download('2030.3');

      const jsonMb = (r: Sampled<{ files: { format: string; size: number }[] }>) =>
        (r.value.files.find((f) => f.format === 'json')?.size ?? 0) / MB;
      const ratio = (mb: number) =>
        fmt(Math.max(mb, NOISE_MB) / Math.max(small.rssMb, NOISE_MB), 2);
      return {
        title: 'Releases: publishing and downloading a frozen gene list',
        description:
          `\`POST /api/releases/:id/publish\` over ${SMALL.toLocaleString('en')} then ` +
          `${LARGE.toLocaleString('en')} genes with pseudo-random evidence (fixed seed), embedded ` +
          'PostgreSQL 18, the app and the client in one process (one warm-up publish first). ' +
          'A publish refreshes the scores, copies the genes and writes the JSON, CSV, TSV and ' +
          'manifest files in 1 MiB chunks in one transaction. Time baseline: the plain read of ' +
          'the same genes with their scores and evidence through `pg` (no formatting, no ' +
          'writes); memory: peak RSS growth (sampled every 5 ms) against the small publish. ' +
          'Goal: ten times the genes costing about the same memory (ratio ≈ 1; growths under ' +
          `${NOISE_MB} MB count as ${NOISE_MB} MB).`,
        columns: [
          'operation',
          'genes',
          'JSON MB',
          'ms',
          'ms ÷ plain read',
          'RSS growth MB',
          `÷ ${SMALL.toLocaleString('en')}-gene publish`,
        ],
        rows: [
          [
            'publish (baseline)',
            small.value.gene_count.toLocaleString('en'),
            fmt(jsonMb(small), 1),
            fmt(small.ms, 0),
            fmt(small.ms / smallRead, 1),
            fmt(small.rssMb, 1),
            '1.00',
          ],
          [
            'publish',
            large.value.gene_count.toLocaleString('en'),
            fmt(jsonMb(large), 1),
            fmt(large.ms, 0),
            fmt(large.ms / largeRead, 1),
            fmt(large.rssMb, 1),
            ratio(large.rssMb),
          ],
          [
            'download JSON',
            large.value.gene_count.toLocaleString('en'),
            fmt(got.value / MB, 1),
            fmt(got.ms, 0),
            '-',
            fmt(got.rssMb, 1),
            ratio(got.rssMb),
          ],
        ],
      };
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}
