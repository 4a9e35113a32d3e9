import type { IncomingMessage, ServerResponse } from 'node:http';

import type { INestApplication } from '@nestjs/common';

import { GenesRepository } from '../../src/genes/genes.repository.js';
import type { FixtureServer } from './fixture-server.js';

/** Real symbols, HGNC ids and NCBI Gene ids. */
export const PUBTATOR_GENES = {
  PKD1: { hgnc: 'HGNC:9008', ncbi: '5310' },
  PKD2: { hgnc: 'HGNC:9009', ncbi: '5311' },
  NPHS1: { hgnc: 'HGNC:7908', ncbi: '4868' },
  NPHS2: { hgnc: 'HGNC:13394', ncbi: '7827' },
  COL4A5: { hgnc: 'HGNC:2207', ncbi: '1287' },
  UMOD: { hgnc: 'HGNC:12559', ncbi: '7369' },
} as const;
export type PubTatorSymbol = keyof typeof PUBTATOR_GENES;

export interface Article {
  pmid: number;
  genes: PubTatorSymbol[];
  score: number;
  /** Markup appended to `text_hl` as it is (a mark the reader cannot parse, say). */
  extraMarkup?: string;
}

/** A PubTator3 search hit in the recorded format, genes marked up in `text_hl`. */
export function searchHit(a: Article) {
  const marks = a.genes
    .map((g) => `@GENE_${g} @GENE_${PUBTATOR_GENES[g].ncbi} @@@<m>${g}</m>@@@`)
    .join(' and ');
  return {
    _id: String(a.pmid),
    pmid: a.pmid,
    pmcid: null,
    title: `Variants in ${a.genes.join(', ') || 'unnamed genes'} in kidney disease`,
    journal: 'Kidney Int',
    authors: ['Doe J'],
    date: '2023-01-01T00:00:00Z',
    doi: null,
    score: a.score,
    text_hl: `Pathogenic variants in ${marks || 'several loci'} cause renal disease${a.extraMarkup ?? ''}`,
    citations: {},
  };
}

/**
 * Serves `GET /search/` from `articles()` (10 per page, 404 past the end like the real
 * API); `hook` runs first and may answer instead (return true) or delay the page.
 */
export function servePubTatorSearch(
  upstream: FixtureServer,
  articles: () => Article[],
  hook?: (page: number, res: ServerResponse) => boolean | Promise<boolean>,
): void {
  upstream.route('GET', '/search/', async (req: IncomingMessage, res: ServerResponse) => {
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page'));
    if (hook && (await hook(page, res))) {
      return;
    }
    const all = articles();
    const totalPages = Math.ceil(all.length / 10);
    if (page > totalPages) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: 'Invalid page.' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        results: all.slice((page - 1) * 10, page * 10).map(searchHit),
        facets: {},
        page_size: 10,
        current: page,
        count: all.length,
        total_pages: totalPages,
      }),
    );
  });
}

/** Pages requested at the fixture since request `from`, in order. */
export function searchPages(upstream: FixtureServer, from = 0): number[] {
  return upstream.requests
    .slice(from)
    .filter((r) => r.url.startsWith('/search/'))
    .map((r) => Number(new URL(r.url, 'http://x').searchParams.get('page')));
}

/** Creates the fixture's genes (no evidence), so PubTator symbols resolve locally. */
export async function seedPubTatorGenes(app: INestApplication): Promise<void> {
  const genes = app.get(GenesRepository);
  for (const [symbol, ids] of Object.entries(PUBTATOR_GENES)) {
    await genes.insertGeneIfAbsent({
      hgncId: ids.hgnc,
      symbol,
      name: null,
      aliases: [],
      previousSymbols: [],
    });
  }
}

/** What a complete run stores: per gene, the sorted PMIDs of the articles naming it. */
export function pmidsByGene(articles: Article[]): Record<string, string[]> {
  const byGene: Record<string, string[]> = {};
  for (const a of articles) {
    for (const g of a.genes) {
      (byGene[g] ??= []).push(String(a.pmid));
    }
  }
  for (const g of Object.keys(byGene)) {
    byGene[g].sort();
  }
  return byGene;
}
