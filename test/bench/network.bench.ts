import pg from 'pg';

import { INTERACTIONS_SQL } from '../../src/network/network.repository.js';
import { startBenchDatabase } from './bench-app.js';
import { refreshScores } from './exports.bench.js';
import { seedBenchGenes } from './genes.bench.js';
import { startHttpApp } from './http-app.js';
import type { BenchTable } from './report.js';
import { fmt, median, percentile } from './stats.js';

const NETWORK_GENES = 700;
/** Planted modules of the synthetic interaction network, and edge probabilities. */
const MODULES = 20;
const P_INSIDE = 0.25;
const P_OUTSIDE = 0.005;
/** The GO BP-sized library: genes annotated, terms, and terms per gene after propagation. */
const LIBRARY_GENES = 18_000;
const LIBRARY_TERMS = 12_000;
const TERMS_PER_GENE = 70;
const ENRICHED_GENES = 100;
const RUNS = 25;

/** A seeded uniform generator in [0, 1) (mulberry32): the same network every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * STRING rows for the first NETWORK_GENES genes as the string_ppi source stores them
 * (each interaction under both genes): planted modules, scores 400–999.
 */
async function seedInteractions(client: pg.Client, ids: number[]): Promise<number> {
  const rnd = random(23);
  const moduleOf = (i: number) => i % MODULES;
  const partners = new Map<
    number,
    { partner_gene_id: number; partner_symbol: string; string_score: number }[]
  >(ids.map((id) => [id, []]));
  let pairs = 0;
  for (let i = 0; i < ids.length; i += 1) {
    for (let j = i + 1; j < ids.length; j += 1) {
      const p = moduleOf(i) === moduleOf(j) ? P_INSIDE : P_OUTSIDE;
      if (rnd() < p) {
        const score = 400 + Math.floor(rnd() * 600);
        partners
          .get(ids[i])!
          .push({ partner_gene_id: ids[j], partner_symbol: `GENE${ids[j]}`, string_score: score });
        partners
          .get(ids[j])!
          .push({ partner_gene_id: ids[i], partner_symbol: `GENE${ids[i]}`, string_score: score });
        pairs += 1;
      }
    }
  }
  await client.query(
    `INSERT INTO gene_annotations (gene_id, source, version, annotations)
     SELECT t.id, 'string_ppi', '12.0', t.data
     FROM unnest($1::int[], $2::jsonb[]) AS t(id, data)`,
    [
      ids,
      ids.map((id) =>
        JSON.stringify({ string_version: '12.0', min_score: 400, interactions: partners.get(id) }),
      ),
    ],
  );
  return pairs;
}

/**
 * A GO BP-sized library: LIBRARY_GENES genes with about TERMS_PER_GENE terms each, the
 * term index skewed towards low numbers (u³), so a few terms are huge (like the roots'
 * children) and most are small, as after true-path propagation. Returns memberships.
 */
async function seedLibrary(client: pg.Client, geneIds: number[]): Promise<number> {
  const rnd = random(7);
  const members: number[][] = Array.from({ length: LIBRARY_TERMS }, () => []);
  for (const gene of geneIds) {
    const terms = new Set<number>();
    while (terms.size < TERMS_PER_GENE) {
      terms.add(Math.floor(LIBRARY_TERMS * rnd() ** 3));
    }
    for (const t of terms) {
      members[t].push(gene);
    }
  }
  const kept = members.map((genes, t) => ({ t, genes })).filter((x) => x.genes.length > 0);
  await client.query(
    `INSERT INTO gene_set_libraries (name, source, version, term_count, gene_count)
     VALUES ('GO_BP', 'go', 'bench', $1, $2)`,
    [kept.length, geneIds.length],
  );
  for (let i = 0; i < kept.length; i += 2000) {
    const batch = kept.slice(i, i + 2000);
    await client.query(
      `INSERT INTO gene_set_terms (library, term_id, term_name, gene_ids)
       SELECT 'GO_BP', t.id, t.name, t.genes::int[]
       FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, name, genes)`,
      [
        batch.map((x) => `GO:${String(x.t).padStart(7, '0')}`),
        batch.map((x) => `bench term ${x.t}`),
        batch.map((x) => `{${x.genes.join(',')}}`),
      ],
    );
  }
  return kept.reduce((s, x) => s + x.genes.length, 0);
}

async function post(
  url: string,
  body: unknown,
): Promise<{ ms: number; json: Record<string, unknown>; cache: string | null }> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  const ms = performance.now() - t0;
  if (res.status !== 200) {
    throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  }
  return { ms, json, cache: res.headers.get('x-cache') };
}

/**
 * `RUNS` requests, each a cache miss: `vary(i)` gives every request its own key. Where the
 * answer says (X-Cache), a request that was not a miss stops the run.
 */
async function timed(url: string, vary: (i: number) => unknown): Promise<number[]> {
  await post(url, vary(RUNS + 1)); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const { ms, cache } = await post(url, vary(i));
    if (cache !== null && cache !== 'MISS') {
      throw new Error(`${url}: request ${i} was answered ${cache}, not computed`);
    }
    times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

/**
 * Network analysis at the size of the kidney gene list: build and cluster a 700-gene
 * STRING network, and enrich a 100-gene cluster in a GO BP-sized library, each request a
 * cache miss, against the app's interaction statement through `pg` in the same run.
 */
export async function networkBenchmark(): Promise<BenchTable> {
  const db = await startBenchDatabase();
  try {
    // The app migrates the database; the seed goes in after.
    const app = await startHttpApp(db.url);
    try {
      await seedBenchGenes(db.url, NETWORK_GENES);
      await refreshScores(db.url);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      let pairs: number;
      let memberships: number;
      let ids: number[];
      try {
        ids = (await client.query<{ id: number }>(`SELECT id FROM genes ORDER BY id`)).rows.map(
          (r) => r.id,
        );
        pairs = await seedInteractions(client, ids);
        // The library's universe: the network genes plus ids of genes not stored here (term
        // gene sets are ids; only the query genes' symbols are read).
        const universe = [
          ...ids,
          ...Array.from({ length: LIBRARY_GENES - ids.length }, (_, i) => 1_000_000 + i),
        ];
        memberships = await seedLibrary(client, universe);
        await client.query('ANALYZE');
      } finally {
        await client.end();
      }
      const raw: number[] = [];
      const rawClient = new pg.Client({ connectionString: db.url });
      await rawClient.connect();
      try {
        for (let i = 0; i < RUNS; i += 1) {
          const t0 = performance.now();
          await rawClient.query(INTERACTIONS_SQL, [ids, 400]);
          raw.push(performance.now() - t0);
        }
      } finally {
        await rawClient.end();
      }
      raw.sort((a, b) => a - b);
      const build = await timed(`${app.url}/api/network/build`, (i) => ({
        gene_ids: ids,
        min_string_score: 400 - i,
      }));
      const rows: { label: string; times: number[]; note: string }[] = [
        {
          label: 'interaction statement (pg, baseline)',
          times: raw,
          note: `${NETWORK_GENES} genes`,
        },
        { label: 'build', times: build, note: '' },
      ];
      for (const algorithm of ['leiden', 'louvain', 'walktrap']) {
        const times = await timed(`${app.url}/api/network/cluster`, (i) => ({
          gene_ids: ids,
          algorithm,
          min_string_score: 400 - i,
        }));
        const { json } = await post(`${app.url}/api/network/cluster`, { gene_ids: ids, algorithm });
        rows.push({
          label: `build + cluster (${algorithm})`,
          times,
          note: `${json.num_clusters as number} clusters, modularity ${fmt(json.modularity as number, 3)}`,
        });
      }
      // The query: a cluster of ENRICHED_GENES network genes (one planted module and more).
      const query = ids.filter((_, i) => i % MODULES < 3).slice(0, ENRICHED_GENES);
      const firstStart = performance.now();
      const first = await post(`${app.url}/api/network/enrich/go`, {
        cluster_genes: query,
        fdr_threshold: 0.5,
      });
      const firstMs = performance.now() - firstStart;
      const enrich = await timed(`${app.url}/api/network/enrich/go`, (i) => ({
        cluster_genes: query,
        fdr_threshold: 0.05 + i / 1e6,
      }));
      rows.push({
        label: `enrichment, ${ENRICHED_GENES} genes vs GO BP`,
        times: enrich,
        note: `${first.json.tested_terms as number} terms tested; first request (library load) ${fmt(firstMs, 0)} ms`,
      });
      const baseline = median(raw);
      return {
        title: 'Network analysis: build, cluster and enrich',
        description:
          `${NETWORK_GENES} seeded genes with stored STRING rows as the string_ppi source writes them ` +
          `(${pairs} interacting pairs in ${MODULES} planted modules, inside ${P_INSIDE}, outside ${P_OUTSIDE}, ` +
          `scores 400–999, fixed seed), and a GO BP-sized library (${LIBRARY_TERMS.toLocaleString('en')} terms, ` +
          `${LIBRARY_GENES.toLocaleString('en')} genes, ${memberships.toLocaleString('en')} memberships, ` +
          `skewed term sizes). Real app over HTTP on loopback, one client, embedded PostgreSQL 18; ` +
          `${RUNS} requests per row after a warm-up, each a cache miss (X-Cache checked where the answer has it): the minimum STRING score steps down from 400, which changes the cache key but not the graph, since no stored score is below 400. ` +
          `Baseline: the app's interaction statement through \`pg\` (${fmt(baseline, 1)} ms p50). ` +
          'Goals (issue 23): build + cluster of 700 genes p50 ≤ 200 ms; enrichment of a 100-gene cluster against GO BP p50 ≤ 100 ms.',
        columns: ['request', 'p50 ms', 'p95 ms', 'p50 ÷ raw query', 'notes'],
        rows: rows.map((r) => [
          r.label,
          fmt(median(r.times), 1),
          fmt(percentile(r.times, 95), 1),
          fmt(median(r.times) / baseline, 1),
          r.note,
        ]),
      };
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}
