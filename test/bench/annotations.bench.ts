import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import pg from 'pg';

import { SourceRunner } from '../../src/sources/runner/source-runner.service.js';
import {
  GENES,
  HGNC_DOCS,
  HPO_TERMS,
  HPO_TERMS_PER_GENE,
  LATENCY_MS,
  MP_TERMS,
  RATE,
  STRING_OFFSETS,
  stringProteinCount,
} from './annotation-upstreams.js';
import { refreshScoreViews, startBenchContext } from './bench-app.js';
import type { BenchTable } from './report.js';
import { fmt } from './stats.js';

/** The process's current RSS at the start and its highest sample until stop(). */
function rssSampler(): { stop(): { startMb: number; maxMb: number } } {
  const mb = () => process.memoryUsage().rss / 1024 / 1024;
  const startMb = mb();
  let maxMb = startMb;
  const timer = setInterval(() => (maxMb = Math.max(maxMb, mb())), 20);
  return {
    stop() {
      clearInterval(timer);
      return { startMb, maxMb: Math.max(maxMb, mb()) };
    },
  };
}

interface UpstreamStats {
  requests: number;
  stringLinksBytes: number;
}

/** Starts the synthetic upstreams in a child process; resolves with their base URL. */
async function startUpstreams(): Promise<{ base: string; stop(): void }> {
  const child = fork(fileURLToPath(new URL('./annotation-upstreams.js', import.meta.url)), [
    '--serve',
  ]);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`synthetic upstreams exited (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/**
 * Annotates 5,000 genes with every annotation source against synthetic upstreams that
 * answer after 50 ms, at 100 requests/s: wall time per source and the app's RSS.
 */
/**
 * The sources this bench has synthetic upstreams for. Sources added since (Descartes,
 * GO, Reactome: one bulk file each) are listed in the description as not measured.
 */
const COVERED = [
  'hgnc',
  'clinvar',
  'gnomad',
  'gtex',
  'uniprot',
  'ensembl',
  'hpo_phenotypes',
  'string_ppi',
  'mpo_mgi',
];

export async function annotationsBenchmark(): Promise<BenchTable> {
  let notCovered: string[];
  const upstreams = await startUpstreams();
  const { base } = upstreams;
  const stats = async () => (await (await fetch(`${base}/__stats`)).json()) as UpstreamStats;
  const ctx = await startBenchContext({
    UPSTREAM_RATE_LIMITS: `127.0.0.1=${RATE}`,
    UPSTREAM_CONCURRENCY: '8',
    HGNC_URL: base,
    HGNC_COMPLETE_SET_URL: `${base}/hgnc_complete_set.json`,
    CLINVAR_EUTILS_URL: base,
    GNOMAD_URL: `${base}/gnomad`,
    GTEX_URL: `${base}/gtex`,
    UNIPROT_URL: base,
    ENSEMBL_URL: base,
    HPO_ONTOLOGY_URL: `${base}/hp.json`,
    HPO_GENES_TO_PHENOTYPE_URL: `${base}/genes_to_phenotype.txt`,
    STRING_URL: `${base}/string`,
    MGI_MP_ONTOLOGY_URL: `${base}/mp.json`,
    MOUSEMINE_URL: `${base}/mousemine`,
  });
  const rows: (string | number)[][] = [];
  let stringRun = { startMb: 0, maxMb: 0, interactions: 0 };
  let stringLinksBytes: number;
  const interactions = async () => {
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      const {
        rows: [row],
      } = await client.query<{ n: number }>(
        `SELECT coalesce(sum(jsonb_array_length(annotations->'interactions')), 0)::int AS n
         FROM gene_annotations WHERE source = 'string_ppi'`,
      );
      return row.n;
    } finally {
      await client.end();
    }
  };
  try {
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    await client.query(
      `INSERT INTO genes (hgnc_id, approved_symbol) SELECT 'HGNC:' || (100000 + n), 'GENE' || n
       FROM generate_series(1, $1) n`,
      [GENES],
    );
    // Evidence for every gene, so each is a kidney gene STRING scores.
    await client.query(
      `INSERT INTO gene_evidence (gene_id, source_name, source_detail, evidence_data, evidence_date)
       SELECT id, 'ClinGen', 'bench', jsonb_build_object('classification',
              (ARRAY['Definitive', 'Strong', 'Moderate', 'Limited'])[1 + id % 4]), current_date
       FROM genes`,
    );
    await refreshScoreViews(client);
    await client.end();
    const runner = ctx.app.get(SourceRunner);
    const startedMb = fmt(process.resourceUsage().maxRSS / 1024, 0);
    rows.push(['(started)', 0, 0, '–', '–', startedMb, startedMb]);
    const names = runner.names('annotation');
    notCovered = names.filter((n) => !COVERED.includes(n));
    for (const name of names.filter((n) => COVERED.includes(n))) {
      const before = (await stats()).requests;
      const started = performance.now();
      const sampler = rssSampler();
      const result = await runner.runAnnotation(name);
      const rss = sampler.stop();
      if (name === 'string_ppi') {
        stringRun = { ...rss, interactions: await interactions() };
      }
      const seconds = (performance.now() - started) / 1000;
      if (result.status !== 'completed' || result.failed > 0) {
        throw new Error(
          `${name}: ${result.status} ${result.error ?? ''} (${result.failed} failed)`,
        );
      }
      rows.push([
        name,
        result.updated,
        (await stats()).requests - before,
        fmt(seconds, 1),
        fmt(result.updated / seconds, 0),
        fmt(rss.maxMb, 0),
        fmt(process.resourceUsage().maxRSS / 1024, 0),
      ]);
    }
    stringLinksBytes = (await stats()).stringLinksBytes;
  } finally {
    await ctx.close();
    upstreams.stop();
  }
  return {
    title: 'Annotations: 5,000 genes from every annotation source',
    description:
      `Each source annotates ${GENES} genes against a local server in the real formats that answers ` +
      `(not measured here: ${notCovered.join(', ') || 'none'}, which have no synthetic upstream) ` +
      `after ${LATENCY_MS} ms, at ${RATE} requests/s (8 in flight); HGNC reads a generated ` +
      `${HGNC_DOCS}-doc complete set; HPO a generated ${HPO_TERMS}-term ontology and ` +
      `${HPO_TERMS_PER_GENE} phenotype rows per gene; STRING streams generated gzipped files of ` +
      `${stringProteinCount()} proteins and ${fmt(stringProteinCount() * STRING_OFFSETS * 2, 0)} ` +
      `physical links (${fmt(stringLinksBytes / 1e6, 0)} MB uncompressed), every gene a kidney gene; ` +
      `it stored ${stringRun.interactions} interactions, and the process's RSS, sampled every ` +
      `20 ms during its run, went from ${fmt(stringRun.startMb, 0)} MB to at most ` +
      `${fmt(stringRun.maxMb, 0)} MB; MGI reads a generated ${MP_TERMS}-class mp.json and asks ` +
      'MouseMine per 100 genes, plus once per ortholog of the one gene in seven with a kidney ' +
      'phenotype. The synthetic upstreams run in a child process and embedded PostgreSQL in its ' +
      "own, so the figures are the app process's alone: RSS sampled every 20 ms during each " +
      "source's run, and the process's high-water mark so far. Goal: peak RSS ≤ 512 MB " +
      '(the original peaked at 2.2 GB on 5,080 genes).',
    columns: [
      'source',
      'genes stored',
      'requests',
      'wall s',
      'genes/s',
      'RSS peak in run MB',
      'RSS high-water MB',
    ],
    rows,
  };
}
