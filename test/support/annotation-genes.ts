import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { GenesRepository } from '../../src/genes/genes.repository.js';
import type { AnnotationRunResult } from '../../src/sources/runner/annotation-run.js';
import {
  SourceRunner,
  type SourceRunOptions,
} from '../../src/sources/runner/source-runner.service.js';
import type { TestApp } from './app-factory.js';

/** Real symbols, HGNC ids, NCBI Gene ids and Ensembl gene ids of kidney genes. */
export const KIDNEY_GENES = {
  PKD1: { hgnc: 'HGNC:9008', ncbi: '5310', ensembl: 'ENSG00000008710' },
  PKD2: { hgnc: 'HGNC:9009', ncbi: '5311', ensembl: 'ENSG00000118762' },
  NPHS1: { hgnc: 'HGNC:7908', ncbi: '4868', ensembl: 'ENSG00000161270' },
  NPHS2: { hgnc: 'HGNC:13394', ncbi: '7827', ensembl: 'ENSG00000116218' },
  COL4A5: { hgnc: 'HGNC:2207', ncbi: '1287', ensembl: 'ENSG00000188153' },
  UMOD: { hgnc: 'HGNC:12559', ncbi: '7369', ensembl: 'ENSG00000169344' },
} as const;
export type KidneyGene = keyof typeof KIDNEY_GENES;

/** Inserts the genes; returns symbol → gene id. */
export async function insertGenes(
  t: TestApp,
  symbols: readonly KidneyGene[],
): Promise<Record<string, number>> {
  const genes = t.app.get(GenesRepository);
  const ids: Record<string, number> = {};
  for (const symbol of symbols) {
    await genes.insertGeneIfAbsent({
      hgncId: KIDNEY_GENES[symbol].hgnc,
      symbol,
      name: null,
      aliases: [],
      previousSymbols: [],
    });
    ids[symbol] = (await genes.findIdByHgncId(KIDNEY_GENES[symbol].hgnc))!;
  }
  return ids;
}

/** Stores HGNC identifier rows as the hgnc annotation would, for sources that use them. */
export async function seedHgncIds(t: TestApp, ids: Record<string, number>): Promise<void> {
  for (const [symbol, id] of Object.entries(ids)) {
    const g = KIDNEY_GENES[symbol as KidneyGene];
    await db(t).query(
      `INSERT INTO gene_annotations (gene_id, source, version, annotations)
       VALUES ($1, 'hgnc', 'seed', $2) ON CONFLICT (gene_id, source) DO NOTHING`,
      [id, { hgnc_id: g.hgnc, symbol, ncbi_gene_id: g.ncbi, ensembl_gene_id: g.ensembl }],
    );
  }
}

export const db = (t: TestApp) => t.app.get<DataSource>(getDataSourceToken());

export function runAnnotation(
  t: TestApp,
  source: string,
  options?: SourceRunOptions,
): Promise<AnnotationRunResult> {
  return t.app.get(SourceRunner).runAnnotation(source, options);
}

/** The stored row of `source` per gene symbol. */
export async function annotationRows(
  t: TestApp,
  source: string,
): Promise<
  Record<string, { version: string; annotations: Record<string, unknown>; status: string }>
> {
  const rows = await db(t).query<
    { symbol: string; version: string; annotations: Record<string, unknown>; status: string }[]
  >(
    `SELECT g.approved_symbol AS symbol, a.version, a.annotations, a.source_metadata->>'status' AS status
     FROM gene_annotations a JOIN genes g ON g.id = a.gene_id WHERE a.source = $1`,
    [source],
  );
  return Object.fromEntries(rows.map(({ symbol, ...rest }) => [symbol, rest]));
}

/** Failure reasons of `source` per gene symbol. */
export async function failureRows(
  t: TestApp,
  source: string,
): Promise<Record<string, { reason: string; attempts: number }>> {
  const rows = await db(t).query<{ symbol: string; reason: string; attempts: number }[]>(
    `SELECT g.approved_symbol AS symbol, f.reason, f.attempts
     FROM annotation_failures f JOIN genes g ON g.id = f.gene_id WHERE f.source = $1`,
    [source],
  );
  return Object.fromEntries(rows.map(({ symbol, ...rest }) => [symbol, rest]));
}

/** Fast retries against a loopback fixture server. */
export const FIXTURE_UPSTREAM_ENV = {
  UPSTREAM_MAX_ATTEMPTS: '3',
  UPSTREAM_BACKOFF_BASE_MS: '5',
  UPSTREAM_BACKOFF_MAX_MS: '1500',
  UPSTREAM_BREAKER_FAILURES: '1000',
  UPSTREAM_RATE_LIMITS: '127.0.0.1=500',
  RATE_LIMIT_PER_MINUTE: '100000',
};
