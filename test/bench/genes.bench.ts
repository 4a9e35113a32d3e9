import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import pg from 'pg';

import { CacheService } from '../../src/cache/cache.service.js';
import { refreshScoreViews, startBenchDatabase } from './bench-app.js';
import { startHttpApp } from './http-app.js';
import type { BenchTable } from './report.js';
import { fmt, percentile } from './stats.js';

const GENES = 5000;
const SAMPLES = 300;

/**
 * `count` genes (5,000 unless told) numbered from `first`, with deterministic
 * pseudo-random evidence from all seven sources.
 */
export async function seedBenchGenes(url: string, count = GENES, first = 1): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT setseed(0.42)');
    await client.query(
      `INSERT INTO genes (hgnc_id, approved_symbol, aliases)
       SELECT 'HGNC:' || (100000 + n), 'GENE' || n, ARRAY['ALIAS' || n]
       FROM generate_series($2::int, $2::int + $1::int - 1) n`,
      [count, first],
    );
    const arr = (expr: string) =>
      `(SELECT coalesce(jsonb_agg(${expr}), '[]'::jsonb) FROM generate_series(1, 1 + floor(random() * 12)::int) i)`;
    const classes = `(ARRAY['Definitive','Strong','Moderate','Limited','Disputed','Refuted Evidence','Supportive'])[1 + floor(random() * 7)::int]`;
    const evidence: [string, number, string][] = [
      [
        'PanelApp',
        0.35,
        `jsonb_build_object('panels', ${arr(`jsonb_build_object('id', i, 'name', 'Kidney panel ' || i)`)})`,
      ],
      [
        'PubTator',
        0.8,
        `jsonb_build_object('publication_count', 1 + floor(random() * random() * 400)::int)`,
      ],
      [
        'HPO',
        0.4,
        `jsonb_build_object('hpo_terms', ${arr(`'HP:' || lpad((10000 + i)::text, 7, '0')`)})`,
      ],
      ['DiagnosticPanels', 0.3, `jsonb_build_object('panel_count', 1 + floor(random() * 20)::int)`],
      [
        'Literature',
        0.05,
        `jsonb_build_object('publications', ${arr(`'PMID:' || (26000000 + i)`)})`,
      ],
      [
        'ClinGen',
        0.05,
        `jsonb_build_object('classifications', jsonb_build_array(${classes}, ${classes}))`,
      ],
      ['GenCC', 0.15, `jsonb_build_object('classifications', jsonb_build_array(${classes}))`],
    ];
    for (const [source, share, data] of evidence) {
      await client.query(
        `INSERT INTO gene_evidence (gene_id, source_name, source_detail, evidence_data, evidence_date)
         SELECT id, $1, $1 || ' bench evidence', ${data}, current_date FROM genes
         WHERE random() < $2 AND substring(hgnc_id from 6)::int - 100000 >= $3`,
        [source, share, first],
      );
    }
  } finally {
    await client.end();
  }
}

async function timeRefresh(url: string): Promise<{ plain: number; concurrent: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let t0 = performance.now();
    await client.query('REFRESH MATERIALIZED VIEW gene_scores');
    const plain = performance.now() - t0;
    t0 = performance.now();
    await client.query('REFRESH MATERIALIZED VIEW CONCURRENTLY gene_scores');
    const concurrent = performance.now() - t0;
    await refreshScoreViews(client);
    return { plain, concurrent };
  } finally {
    await client.end();
  }
}

async function sample(fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 20; i++) {
    await fn();
  } // warm-up
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

async function get(url: string): Promise<void> {
  const res = await fetch(url);
  if (res.status !== 200) {
    throw new Error(`${url} answered ${res.status}`);
  }
  await res.arrayBuffer();
}

/** Gene reads over 5,000 genes, uncached and cached, against a bare node:http floor. */
export async function genesBenchmark(): Promise<BenchTable> {
  const db = await startBenchDatabase();
  try {
    const app = await startHttpApp(db.url);
    try {
      await seedBenchGenes(db.url);
      const refresh = await timeRefresh(db.url);
      const cache = app.app.get(CacheService);
      await cache.clearAll();
      const paths = {
        'list, page 1, default sort': '/api/genes',
        'list, filtered + sorted':
          '/api/genes?filter[min_score]=10&filter[source]=PubTator&sort=-evidence_count,approved_symbol&page[number]=3',
        'gene detail': '/api/genes/GENE1234',
      };
      const detailBytes = Buffer.from(
        await (await fetch(app.url + paths['gene detail'])).arrayBuffer(),
      );
      const bare = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(detailBytes);
      });
      await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
      const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
      const floor = await sample(() => get(bareUrl));
      bare.close();

      const rows: (string | number)[][] = [];
      for (const [label, path] of Object.entries(paths)) {
        for (let i = 0; i < 20; i++) {
          await get(app.url + path);
        } // warm-up
        const pure: number[] = [];
        for (let i = 0; i < SAMPLES; i++) {
          await cache.clearNamespace('genes');
          const t0 = performance.now();
          await get(app.url + path);
          pure.push(performance.now() - t0);
        }
        pure.sort((a, b) => a - b);
        const cached = await sample(() => get(app.url + path));
        rows.push([
          label,
          'uncached',
          fmt(percentile(pure, 50), 2),
          fmt(percentile(pure, 99), 2),
          fmt(percentile(pure, 50) / percentile(floor, 50), 1),
        ]);
        rows.push([
          label,
          'cached',
          fmt(percentile(cached, 50), 2),
          fmt(percentile(cached, 99), 2),
          fmt(percentile(cached, 50) / percentile(floor, 50), 1),
        ]);
      }
      rows.push([
        'bare node:http, same detail bytes',
        'baseline',
        fmt(percentile(floor, 50), 2),
        fmt(percentile(floor, 99), 2),
        '1.0',
      ]);
      rows.push(['gene_scores refresh (plain)', '-', fmt(refresh.plain, 0), '-', '-']);
      rows.push(['gene_scores refresh (concurrently)', '-', fmt(refresh.concurrent, 0), '-', '-']);
      return {
        title: 'Genes: read latency over 5,000 genes',
        description:
          `${GENES.toLocaleString('en')} genes with pseudo-random evidence from all 7 sources (fixed seed), embedded ` +
          `PostgreSQL 18. ${SAMPLES} sequential requests per row after 20 warm-up requests, client in the same ` +
          'process. Uncached = the genes cache namespace cleared before each (untimed) request; cached = served ' +
          'by the response cache. Baseline: a bare `node:http` server returning the same detail bytes. Goals: ' +
          'uncached list p50 ≤ 10 ms, cached detail p50 ≤ 1 ms.',
        columns: ['request', 'cache', 'p50 ms', 'p99 ms', 'p50 ÷ baseline p50'],
        rows,
      };
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}
