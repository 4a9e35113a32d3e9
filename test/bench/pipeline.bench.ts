import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { GenesRepository } from '../../src/genes/genes.repository.js';
import { type Article, PUBTATOR_GENES, searchHit } from '../support/pubtator-fixture.js';
import { startBenchDatabase } from './bench-app.js';
import { startHttpApp } from './http-app.js';
import type { BenchTable } from './report.js';
import { fmt, percentile } from './stats.js';

/** Per-domain rate limit and answer latency of the fixture upstreams. */
const NCBI = { host: '127.0.0.1', perSecond: 20, latencyMs: 40, pages: 60 };
const PANELAPP = { host: '127.0.0.2', perSecond: 4, latencyMs: 60 };
const DOWNLOADS = { host: '127.0.0.3', perSecond: 5, latencyMs: 80 };

const fixture = (path: string) =>
  readFile(new URL(`../../../test/fixtures/upstream/${path}`, import.meta.url));

/**
 * One full pipeline run (PubTator, PanelApp UK and Australia, ClinGen, GenCC, HPO) over
 * loopback fixture servers with per-domain latency and rate limits, while a client reads
 * genes. The lower bound is what the rate limits alone allow: per domain, (requests − 1)
 * ÷ rate plus one answer's latency; the domains run in parallel, so the slowest decides.
 */
export async function pipelineBenchmark(): Promise<BenchTable> {
  const articles: Article[] = Array.from({ length: NCBI.pages * 10 }, (_, i) => ({
    pmid: 34000000 + i,
    score: 1000 - i,
    genes: [(Object.keys(PUBTATOR_GENES) as (keyof typeof PUBTATOR_GENES)[])[i % 6]],
  }));
  const hits = new Map<string, number[]>();
  const files: Record<string, Buffer> = {
    '/kb/gene-validity/download': await fixture('clingen/gene-validity.csv'),
    '/download/action/submissions-export-tsv': await fixture('gencc/submissions-export.tsv'),
    '/obo/hp.json': await fixture('hpo/hp.json'),
    '/obo/hp/hpoa/genes_to_phenotype.txt': await fixture('hpo/genes_to_phenotype.txt'),
  };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.socket.localAddress ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    (hits.get(host) ?? hits.set(host, []).get(host)!).push(performance.now());
    const latency =
      host === NCBI.host
        ? NCBI.latencyMs
        : host === PANELAPP.host
          ? PANELAPP.latencyMs
          : DOWNLOADS.latencyMs;
    await sleep(latency);
    const send = (body: Buffer | string, type = 'application/json') => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    if (url.pathname === '/search/') {
      const page = Number(url.searchParams.get('page'));
      return send(
        JSON.stringify({
          results: articles.slice((page - 1) * 10, page * 10).map(searchHit),
          page_size: 10,
          current: page,
          count: articles.length,
          total_pages: NCBI.pages,
        }),
      );
    }
    const panel = /^\/(uk|au)\/api\/v1\/panels\/(?:(\d+)\/)?$/.exec(url.pathname);
    if (panel) {
      const name = panel[2]
        ? `panel-${panel[2]}.json`
        : `panels-page-${url.searchParams.get('page') ?? '1'}.json`;
      try {
        return send(await fixture(`panelapp/${panel[1]}/${name}`));
      } catch {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end('{"detail":"Invalid page."}');
      }
    }
    const file = files[url.pathname];
    if (file) {
      return send(file, 'text/plain');
    }
    res.writeHead(404);
    res.end();
  };
  const servers = [NCBI, PANELAPP, DOWNLOADS].map(() => createServer((q, s) => void handler(q, s)));
  const ports = await Promise.all(
    servers.map(
      (server, i) =>
        new Promise<number>((resolve) =>
          server.listen(0, [NCBI, PANELAPP, DOWNLOADS][i].host, () =>
            resolve((server.address() as AddressInfo).port),
          ),
        ),
    ),
  );
  const at = (i: number, host: string) => `http://${host}:${ports[i]}`;
  const db = await startBenchDatabase();
  const app = await startHttpApp(db.url, {
    UPSTREAM_MODE: 'live',
    PUBTATOR_URL: at(0, NCBI.host),
    PUBTATOR_MODE: 'full',
    PANELAPP_UK_URL: `${at(1, PANELAPP.host)}/uk/api/v1`,
    PANELAPP_AU_URL: `${at(1, PANELAPP.host)}/au/api/v1`,
    CLINGEN_URL: `${at(2, DOWNLOADS.host)}/kb/gene-validity/download`,
    GENCC_URL: `${at(2, DOWNLOADS.host)}/download/action/submissions-export-tsv`,
    HPO_ONTOLOGY_URL: `${at(2, DOWNLOADS.host)}/obo/hp.json`,
    HPO_GENES_TO_PHENOTYPE_URL: `${at(2, DOWNLOADS.host)}/obo/hp/hpoa/genes_to_phenotype.txt`,
    HGNC_NORMALIZE: 'false',
    UPSTREAM_RATE_LIMITS: `${NCBI.host}=${NCBI.perSecond},${PANELAPP.host}=${PANELAPP.perSecond},${DOWNLOADS.host}=${DOWNLOADS.perSecond}`,
    LOG_LEVEL: 'warn',
  });
  try {
    const genes = app.app.get(GenesRepository);
    for (const [symbol, ids] of Object.entries(PUBTATOR_GENES)) {
      await genes.insertGeneIfAbsent({
        hgncId: ids.hgnc,
        symbol,
        name: null,
        aliases: [],
        previousSymbols: [],
      });
    }
    const login = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'Bench-Admin-Passw0rd' }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const loop = monitorEventLoopDelay({ resolution: 10 });
    let peakRss = process.memoryUsage().rss;
    const rssTimer = setInterval(
      () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)),
      50,
    );
    const readLatencies: number[] = [];
    let reading = true;
    const reader = (async () => {
      const symbols = Object.keys(PUBTATOR_GENES);
      for (let i = 0; reading; i++) {
        const t0 = performance.now();
        const res = await fetch(`${app.url}/api/genes/${symbols[i % symbols.length]}`);
        await res.arrayBuffer();
        readLatencies.push(performance.now() - t0);
        await sleep(20);
      }
    })();
    loop.enable();
    const started = performance.now();
    const run = await fetch(`${app.url}/api/annotations/pipeline/update`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ sources: ['PubTator', 'PanelApp', 'ClinGen', 'GenCC', 'HPO'] }),
    });
    const id = ((await run.json()) as { data: { id: string } }).data.id;
    let status = 'queued';
    while (!['completed', 'failed', 'cancelled'].includes(status)) {
      await sleep(25);
      const res = await fetch(`${app.url}/api/annotations/pipeline/runs/${id}`, { headers: auth });
      status = ((await res.json()) as { data: { status: string } }).data.status;
    }
    const wall = performance.now() - started;
    loop.disable();
    reading = false;
    await reader;
    clearInterval(rssTimer);
    if (status !== 'completed') {
      throw new Error(`pipeline run ended ${status}`);
    }
    const bound = Math.max(
      ...[NCBI, PANELAPP, DOWNLOADS].map((d) => {
        const n = hits.get(d.host)?.length ?? 0;
        return n === 0 ? 0 : ((n - 1) / d.perSecond) * 1000 + d.latencyMs;
      }),
    );
    const sorted = [...readLatencies].sort((a, b) => a - b);
    const requests = [NCBI, PANELAPP, DOWNLOADS]
      .map((d) => `${hits.get(d.host)?.length ?? 0} @ ${d.perSecond}/s`)
      .join(', ');
    return {
      title: 'Pipeline: a full evidence run over rate-limited upstreams',
      description:
        'PubTator (60 pages), PanelApp UK+AU, ClinGen, GenCC and HPO in one run against three loopback ' +
        `fixture hosts with their own rate limit and latency (${NCBI.latencyMs}/${PANELAPP.latencyMs}/${DOWNLOADS.latencyMs} ms), ` +
        'while a client reads a gene every 20 ms. Lower bound = slowest domain’s (requests − 1) ÷ rate + one ' +
        'latency. Goals: wall ÷ bound ≤ 1.2, event-loop p99 ≤ 20 ms, API read p99 ≤ 50 ms.',
      columns: [
        'requests per domain',
        'wall s',
        'lower bound s',
        'wall ÷ bound',
        'peak RSS MiB',
        'event-loop p99 ms',
        'API reads',
        'API p50 ms',
        'API p99 ms',
      ],
      rows: [
        [
          requests,
          fmt(wall / 1000, 2),
          fmt(bound / 1000, 2),
          fmt(wall / bound, 3),
          fmt(peakRss / 1024 / 1024, 0),
          fmt(loop.percentile(99) / 1e6, 1),
          sorted.length,
          fmt(percentile(sorted, 50), 1),
          fmt(percentile(sorted, 99), 1),
        ],
      ],
    };
  } finally {
    await app.close();
    await db.stop();
    for (const server of servers) {
      server.close();
    }
  }
}
