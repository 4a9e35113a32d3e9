import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { containsPattern } from '../common/database/like-pattern.js';
import { managerOf, type Transaction } from '../database/transaction.js';
import {
  EVIDENCE_GROUPS,
  EVIDENCE_TIERS,
  type EvidenceGroup,
  type EvidenceTier,
} from './evidence-tiers.js';

/**
 * A gene by symbol or HGNC id, case-insensitively ($1): both arms are answered by an
 * expression index (uq_genes_symbol_upper, ix_genes_hgnc_id_upper), so a lookup, found or
 * not, never scans the table.
 */
export const GENE_LOOKUP = 'upper(g.approved_symbol) = upper($1) OR upper(g.hgnc_id) = upper($1)';

export interface GeneFilter {
  search?: string;
  minScore?: number;
  maxScore?: number;
  minCount?: number;
  maxCount?: number;
  source?: string;
  tiers?: EvidenceTier[];
  group?: EvidenceGroup;
  hideZeroScores: boolean;
  ids?: number[];
}

/** A gene a symbol or identifier could mean, and what it matched on. */
export interface GeneCandidate {
  id: number;
  hgnc_id: string;
  approved_symbol: string;
  matched_on: string;
}

/** The fields a gene list can be sorted by (JSON:API `sort`, `-` for descending). */
export const SORT_FIELDS = [
  'id',
  'symbol',
  'approved_symbol',
  'hgnc_id',
  'score',
  'evidence_score',
  'count',
  'evidence_count',
  'created_at',
  'updated_at',
  'evidence_tier',
  'evidence_group',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface SortKey {
  field: SortField;
  descending: boolean;
}

export interface GeneRow {
  id: number;
  hgnc_id: string;
  approved_symbol: string;
  name: string | null;
  aliases: string[];
  previous_symbols: string[];
  created_at: Date;
  updated_at: Date;
  evidence_count: number;
  evidence_score: string | number;
  evidence_tier: EvidenceTier;
  evidence_group: EvidenceGroup;
  sources: string[];
  source_scores: Record<string, number>;
  raw_score: string | number;
  total_active_sources: number | null;
}

export interface EvidenceRow {
  id: string;
  source_name: string;
  source_detail: string | null;
  evidence_data: Record<string, unknown>;
  evidence_date: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A GeneRow's columns, from `genes g` and `gene_scores s` (absent for unscored genes). */
export const GENE_COLUMNS = `
  g.id, g.hgnc_id, g.approved_symbol, g.name, g.aliases, g.previous_symbols, g.created_at, g.updated_at,
  coalesce(s.source_count, 0) AS evidence_count,
  coalesce(s.percentage_score, 0) AS evidence_score,
  coalesce(s.evidence_tier, 'no_evidence') AS evidence_tier,
  coalesce(s.evidence_group, 'insufficient') AS evidence_group,
  coalesce(s.sources, '{}') AS sources,
  coalesce(s.source_scores, '{}'::jsonb) AS source_scores,
  coalesce(s.raw_score, 0) AS raw_score,
  s.total_active_sources`;

const SELECT_GENE = `SELECT ${GENE_COLUMNS} FROM genes g LEFT JOIN gene_scores s ON s.gene_id = g.id`;

/**
 * Where a list query reads its rows from, and how it spells the score columns.
 *
 * `gene_scores` holds a row for every gene as of its last refresh; a gene created since
 * has none and counts as unscored (score 0, no evidence). A query whose filter drops
 * such genes (`excludesUnscored`) can therefore start from the view and join genes, read
 * the score columns as they are, and let PostgreSQL walk the score index in order.
 * Other queries start from genes and default the missing scores.
 */
interface ListSource {
  /** The FROM clause, with `g` for genes and `s` for gene_scores. */
  from: string;
  /** The FROM clause when no gene column is needed (counts). */
  fromScores: string;
  geneId: string;
  /** The symbol to sort by: the view's copy when the list starts from the view. */
  symbol: string;
  score: string;
  count: string;
  tier: string;
  group: string;
}

const ALL_GENES: ListSource = {
  from: 'genes g LEFT JOIN gene_scores s ON s.gene_id = g.id',
  fromScores: 'genes g LEFT JOIN gene_scores s ON s.gene_id = g.id',
  geneId: 'g.id',
  symbol: 'g.approved_symbol',
  score: 'coalesce(s.percentage_score, 0)',
  count: 'coalesce(s.source_count, 0)',
  tier: "coalesce(s.evidence_tier, 'no_evidence')",
  group: "coalesce(s.evidence_group, 'insufficient')",
};

const SCORED_GENES: ListSource = {
  from: 'gene_scores s JOIN genes g ON g.id = s.gene_id',
  fromScores: 'gene_scores s',
  geneId: 's.gene_id',
  symbol: 's.approved_symbol',
  score: 's.percentage_score',
  count: 's.source_count',
  tier: 's.evidence_tier',
  group: 's.evidence_group',
};

/**
 * True when the filter drops every gene without a `gene_scores` row: such a gene counts
 * as score 0, source count 0, tier `no_evidence`, group `insufficient`.
 */
export function excludesUnscored(filter: GeneFilter): boolean {
  return (
    filter.hideZeroScores ||
    (filter.minScore !== undefined && filter.minScore > 0) ||
    (filter.minCount !== undefined && filter.minCount > 0) ||
    (filter.group !== undefined && filter.group !== 'insufficient')
  );
}

function listSource(filter: GeneFilter): ListSource {
  return excludesUnscored(filter) ? SCORED_GENES : ALL_GENES;
}

function sortExpression(field: SortField, src: ListSource): string {
  switch (field) {
    case 'id':
      return 'g.id';
    case 'symbol':
    case 'approved_symbol':
      return src.symbol;
    case 'hgnc_id':
      return '(substring(g.hgnc_id from 6))::int';
    case 'score':
    case 'evidence_score':
      return src.score;
    case 'count':
    case 'evidence_count':
      return src.count;
    case 'created_at':
      return 'g.created_at';
    case 'updated_at':
      return 'g.updated_at';
    case 'evidence_tier':
      return `array_position(ARRAY[${EVIDENCE_TIERS.map((t) => `'${t}'`).join(',')}], ${src.tier})`;
    case 'evidence_group':
      return `array_position(ARRAY[${EVIDENCE_GROUPS.map((t) => `'${t}'`).join(',')}], ${src.group})`;
  }
}

/**
 * ORDER BY for the sort keys, gene id last so pages never overlap. Every expression is
 * non-null, so the default null placement is kept: it is what lets `ORDER BY
 * s.percentage_score DESC` follow the view's score index.
 */
export function geneOrder(sort: SortKey[], filter: GeneFilter): string {
  const src = listSource(filter);
  return [
    ...sort.map((k) => `${sortExpression(k.field, src)}${k.descending ? ' DESC' : ''}`),
    src.geneId,
  ].join(', ');
}

/** WHERE clause for the list filters, with numbered parameters appended to `params`. */
export function geneWhere(filter: GeneFilter, params: unknown[], skipTier = false): string {
  const src = listSource(filter);
  const clauses: string[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.search) {
    const like = p(containsPattern(filter.search));
    clauses.push(
      `(g.approved_symbol ILIKE ${like} ESCAPE '\\' OR g.hgnc_id ILIKE ${like} ESCAPE '\\'` +
        ` OR ${src.tier} ILIKE ${like} ESCAPE '\\'` +
        ` OR ${src.group} ILIKE ${like} ESCAPE '\\'` +
        ` OR upper(${p(filter.search)}) = ANY (SELECT upper(a) FROM unnest(g.aliases || g.previous_symbols) a))`,
    );
  }
  if (filter.minScore !== undefined) {
    clauses.push(`${src.score} >= ${p(filter.minScore)}`);
  }
  if (filter.maxScore !== undefined) {
    clauses.push(`${src.score} <= ${p(filter.maxScore)}`);
  }
  if (filter.minCount !== undefined) {
    clauses.push(`${src.count} >= ${p(filter.minCount)}`);
  }
  if (filter.maxCount !== undefined) {
    clauses.push(`${src.count} <= ${p(filter.maxCount)}`);
  }
  if (filter.source) {
    // The view lists every source with an evidence row for the gene (as of the last score
    // refresh, like the scores shown beside it), so no semi-join with gene_evidence.
    clauses.push(`${p(filter.source)} = ANY(s.evidence_sources)`);
  }
  if (filter.tiers?.length && !skipTier) {
    clauses.push(`${src.tier} = ANY(${p(filter.tiers)}::text[])`);
  }
  if (filter.group) {
    clauses.push(`${src.group} = ${p(filter.group)}`);
  }
  if (filter.hideZeroScores) {
    clauses.push(`${src.score} > 0`);
  }
  if (filter.ids?.length) {
    clauses.push(`${src.geneId} = ANY(${p(filter.ids)}::int[])`);
  }
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

/**
 * WHERE clause on `gene_scores_facets` giving `filter`'s tier counts exactly, with numbered
 * parameters appended to `params`; undefined when the facets cannot answer it. They hold
 * scored genes only, grouped by tier, group, source count, sources and the score's floor
 * and ceiling, which answer whole-number score bounds exactly: for an integer m,
 * `score >= m` is `floor(score) >= m`, `score <= m` is `ceil(score) <= m`, and `score > 0`
 * is `ceil(score) > 0`. A text search, a gene id list or a fractional bound reads the
 * scores themselves.
 */
export function facetWhere(filter: GeneFilter, params: unknown[]): string | undefined {
  const whole = (n: number | undefined) => n === undefined || Number.isInteger(n);
  if (
    filter.search ||
    filter.ids?.length ||
    !excludesUnscored(filter) ||
    !whole(filter.minScore) ||
    !whole(filter.maxScore)
  ) {
    return undefined;
  }
  const clauses: string[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.minScore !== undefined) {
    clauses.push(`score_floor >= ${p(filter.minScore)}`);
  }
  if (filter.maxScore !== undefined) {
    clauses.push(`score_ceil <= ${p(filter.maxScore)}`);
  }
  if (filter.hideZeroScores) {
    clauses.push('score_ceil > 0');
  }
  if (filter.minCount !== undefined) {
    clauses.push(`source_count >= ${p(filter.minCount)}`);
  }
  if (filter.maxCount !== undefined) {
    clauses.push(`source_count <= ${p(filter.maxCount)}`);
  }
  if (filter.source) {
    clauses.push(`${p(filter.source)} = ANY(evidence_sources)`);
  }
  if (filter.group) {
    clauses.push(`evidence_group = ${p(filter.group)}`);
  }
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

/** The parts of a gene list query: FROM (`g` genes, `s` gene_scores), WHERE and ORDER BY. */
export interface GeneListQuery {
  from: string;
  where: string;
  orderBy: string;
}

/**
 * The one place a gene list's filter and sort become SQL: the paged list and the export
 * both build their query from it, so an export holds exactly the rows of the list's pages.
 * Parameters are appended to `params`.
 */
export function geneListQuery(
  filter: GeneFilter,
  sort: SortKey[],
  params: unknown[],
): GeneListQuery {
  return {
    from: listSource(filter).from,
    where: geneWhere(filter, params),
    orderBy: geneOrder(sort, filter),
  };
}

/** SQL for genes, evidence and annotations; scores come from the `gene_scores` view. */
@Injectable()
export class GenesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  page(filter: GeneFilter, sort: SortKey[], limit: number, offset: number): Promise<GeneRow[]> {
    const params: unknown[] = [];
    const { from, where, orderBy } = geneListQuery(filter, sort, params);
    params.push(limit, offset);
    // The page's ids are chosen on narrow rows first; only those rows are then built in
    // full. Sorting every filtered row with all its columns cost about as much again.
    return this.dataSource.query<GeneRow[]>(
      `${SELECT_GENE}
       JOIN unnest(ARRAY(
         SELECT g.id FROM ${from} ${where}
         ORDER BY ${orderBy} LIMIT $${params.length - 1} OFFSET $${params.length}
       )) WITH ORDINALITY AS page(id, position) ON page.id = g.id
       ORDER BY page.position`,
      params,
    );
  }

  /** Tier counts for the filtered set (ignoring the tier filter itself). */
  async tierCounts(filter: GeneFilter): Promise<{ tier: EvidenceTier; n: number }[]> {
    const facetParams: unknown[] = [];
    const facets = facetWhere(filter, facetParams);
    if (facets !== undefined) {
      return this.dataSource.query<{ tier: EvidenceTier; n: number }[]>(
        `SELECT evidence_tier AS tier, sum(genes)::int AS n FROM gene_scores_facets ${facets} GROUP BY 1`,
        facetParams,
      );
    }
    const params: unknown[] = [];
    const where = geneWhere(filter, params, true);
    const src = listSource(filter);
    // Only a text search reads gene columns; the other filters are answered by the view.
    const from = filter.search ? src.from : src.fromScores;
    return this.dataSource.query<{ tier: EvidenceTier; n: number }[]>(
      `SELECT ${src.tier} AS tier, count(*)::int AS n FROM ${from} ${where} GROUP BY 1`,
      params,
    );
  }

  async overview(): Promise<{ total: number; zero: number; max_count: number }> {
    const rows = await this.dataSource.query<{ total: number; zero: number; max_count: number }[]>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE coalesce(s.percentage_score, 0) = 0)::int AS zero,
              coalesce(max(s.source_count), 0)::int AS max_count
       FROM genes g LEFT JOIN gene_scores s ON s.gene_id = g.id`,
    );
    return rows[0] ?? { total: 0, zero: 0, max_count: 0 };
  }

  async evidenceSources(): Promise<string[]> {
    const rows = await this.dataSource.query<{ source_name: string }[]>(
      'SELECT DISTINCT source_name FROM gene_evidence ORDER BY source_name',
    );
    return rows.map((r) => r.source_name);
  }

  /** By symbol (case-insensitive) or HGNC id. */
  async findOne(symbolOrHgnc: string): Promise<GeneRow | undefined> {
    const rows = await this.dataSource.query<GeneRow[]>(
      `${SELECT_GENE} WHERE ${GENE_LOOKUP} LIMIT 1`,
      [symbolOrHgnc],
    );
    return rows[0];
  }

  async findById(id: number): Promise<GeneRow | undefined> {
    const rows = await this.dataSource.query<GeneRow[]>(`${SELECT_GENE} WHERE g.id = $1`, [id]);
    return rows[0];
  }

  evidence(geneId: number): Promise<EvidenceRow[]> {
    return this.dataSource.query<EvidenceRow[]>(
      `SELECT id, source_name, source_detail, evidence_data, evidence_date::text AS evidence_date, created_at, updated_at
       FROM gene_evidence WHERE gene_id = $1 ORDER BY source_name`,
      [geneId],
    );
  }

  async insertGene(gene: {
    hgncId: string;
    symbol: string;
    name: string | null;
    aliases: string[];
    previousSymbols: string[];
  }): Promise<number> {
    const rows = await this.dataSource.query<{ id: number }[]>(
      `INSERT INTO genes (hgnc_id, approved_symbol, name, aliases, previous_symbols)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [gene.hgncId, gene.symbol, gene.name, gene.aliases, gene.previousSymbols],
    );
    return rows[0].id;
  }

  /** HGNC id → gene id, for the ids that exist. */
  async idsByHgncId(hgncIds: string[], tx?: Transaction): Promise<Map<string, number>> {
    if (hgncIds.length === 0) {
      return new Map();
    }
    const rows = await managerOf(tx, this.dataSource.manager).query<
      { id: number; hgnc_id: string }[]
    >('SELECT id, hgnc_id FROM genes WHERE hgnc_id = ANY($1::text[])', [[...new Set(hgncIds)]]);
    return new Map(rows.map((r) => [r.hgnc_id, r.id]));
  }

  /** Inserts the gene unless its HGNC id or symbol is taken; its id, or null when taken. */
  async insertGeneIfAbsent(
    gene: {
      hgncId: string;
      symbol: string;
      name: string | null;
      aliases: string[];
      previousSymbols: string[];
    },
    tx?: Transaction,
  ): Promise<number | null> {
    const rows = await managerOf(tx, this.dataSource.manager).query<{ id: number }[]>(
      `INSERT INTO genes (hgnc_id, approved_symbol, name, aliases, previous_symbols)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
      [gene.hgncId, gene.symbol, gene.name, gene.aliases, gene.previousSymbols],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Upper-cased symbol → the genes it names: by approved symbol when any gene has it,
   * otherwise by alias or previous symbol (local columns and the HGNC annotation).
   */
  async matchSymbols(symbols: string[], tx?: Transaction): Promise<Map<string, GeneCandidate[]>> {
    const terms = [...new Set(symbols.map((s) => s.toUpperCase()))];
    const result = new Map<string, GeneCandidate[]>();
    if (terms.length === 0) {
      return result;
    }
    const rows = await managerOf(tx, this.dataSource.manager).query<
      (GeneCandidate & { term: string })[]
    >(
      `WITH t AS (SELECT unnest($1::text[]) AS term),
       by_symbol AS (
         SELECT t.term, g.id, g.hgnc_id, g.approved_symbol, g.approved_symbol AS matched_on
         FROM t JOIN genes g ON upper(g.approved_symbol) = t.term),
       pending AS (SELECT term FROM t EXCEPT SELECT term FROM by_symbol)
       SELECT * FROM by_symbol
       UNION ALL
       SELECT upper(m.value) AS term, g.id, g.hgnc_id, g.approved_symbol, min(m.value) AS matched_on
       FROM genes g
       LEFT JOIN gene_annotations a ON a.gene_id = g.id AND a.source = 'hgnc'
       CROSS JOIN LATERAL (
         SELECT unnest(g.aliases || g.previous_symbols) AS value
         UNION ALL SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.annotations->'alias_symbol') = 'array' THEN a.annotations->'alias_symbol' ELSE '[]' END)
         UNION ALL SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.annotations->'prev_symbol') = 'array' THEN a.annotations->'prev_symbol' ELSE '[]' END)
       ) m
       WHERE upper(m.value) IN (SELECT term FROM pending)
       GROUP BY upper(m.value), g.id, g.hgnc_id, g.approved_symbol
       ORDER BY 1, 4`,
      [terms],
    );
    for (const { term, ...candidate } of rows) {
      const list = result.get(term) ?? [];
      list.push(candidate);
      result.set(term, list);
    }
    return result;
  }

  async hasEvidence(): Promise<boolean> {
    const rows = await this.dataSource.query<{ any: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM gene_evidence) AS any',
    );
    return rows[0]?.any === true;
  }

  async findIdByHgncId(hgncId: string): Promise<number | undefined> {
    const rows = await this.dataSource.query<{ id: number }[]>(
      'SELECT id FROM genes WHERE hgnc_id = $1',
      [hgncId],
    );
    return rows[0]?.id;
  }

  /** Ids of genes whose symbol, alias, previous symbol or annotation identifiers match. */
  async resolveCandidates(
    kind: 'hgnc_id' | 'ensembl' | 'ncbi' | 'uniprot' | 'symbol' | 'alias',
    value: string,
  ): Promise<{ id: number; hgnc_id: string; approved_symbol: string; matched_on: string }[]> {
    const sql: Record<typeof kind, string> = {
      hgnc_id: `SELECT g.id, g.hgnc_id, g.approved_symbol, g.hgnc_id AS matched_on FROM genes g WHERE upper(g.hgnc_id) = upper($1)`,
      ensembl: `SELECT g.id, g.hgnc_id, g.approved_symbol, a.annotations->>'ensembl_gene_id' AS matched_on
                FROM genes g JOIN gene_annotations a ON a.gene_id = g.id AND a.source = 'hgnc'
                WHERE upper(split_part(a.annotations->>'ensembl_gene_id', '.', 1)) = upper(split_part($1, '.', 1))`,
      ncbi: `SELECT g.id, g.hgnc_id, g.approved_symbol, a.annotations->>'ncbi_gene_id' AS matched_on
             FROM genes g JOIN gene_annotations a ON a.gene_id = g.id AND a.source = 'hgnc'
             WHERE a.annotations->>'ncbi_gene_id' = $1`,
      uniprot: `SELECT DISTINCT g.id, g.hgnc_id, g.approved_symbol, $1 AS matched_on
                FROM genes g JOIN gene_annotations a ON a.gene_id = g.id
                WHERE (a.source = 'uniprot' AND upper(a.annotations->>'accession') = upper($1))
                   OR (a.source = 'hgnc' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(
                         CASE WHEN jsonb_typeof(a.annotations->'uniprot_ids') = 'array' THEN a.annotations->'uniprot_ids' ELSE '[]' END) u
                       WHERE upper(u) = upper($1)))`,
      symbol: `SELECT g.id, g.hgnc_id, g.approved_symbol, g.approved_symbol AS matched_on FROM genes g
               WHERE upper(g.approved_symbol) = upper($1)`,
      alias: `SELECT g.id, g.hgnc_id, g.approved_symbol, min(m.value) AS matched_on FROM genes g
              LEFT JOIN gene_annotations a ON a.gene_id = g.id AND a.source = 'hgnc'
              CROSS JOIN LATERAL (
                SELECT unnest(g.aliases || g.previous_symbols) AS value
                UNION ALL SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.annotations->'alias_symbol') = 'array' THEN a.annotations->'alias_symbol' ELSE '[]' END)
                UNION ALL SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.annotations->'prev_symbol') = 'array' THEN a.annotations->'prev_symbol' ELSE '[]' END)
                UNION ALL SELECT a.annotations->>'name'
              ) m
              WHERE upper(m.value) = upper($1)
              GROUP BY g.id, g.hgnc_id, g.approved_symbol ORDER BY g.approved_symbol`,
    };
    return this.dataSource.query(sql[kind], [value]);
  }

  /** The HPO phenotype classification of each of the genes that has one, by gene id. */
  hpoClassifications(geneIds: number[]): Promise<
    {
      gene_id: number;
      gene_symbol: string;
      clinical_group: string | null;
      onset_group: string | null;
      is_syndromic: boolean;
      kidney_phenotype_count: number;
    }[]
  > {
    return this.dataSource.query(
      `SELECT g.id AS gene_id, g.approved_symbol AS gene_symbol,
              a.annotations #>> '{classification,clinical_group,primary}' AS clinical_group,
              a.annotations #>> '{classification,onset_group,primary}' AS onset_group,
              coalesce((a.annotations #>> '{classification,syndromic_assessment,is_syndromic}')::boolean, false) AS is_syndromic,
              coalesce((a.annotations ->> 'kidney_phenotype_count')::int, 0) AS kidney_phenotype_count
       FROM genes g
       JOIN gene_annotations a ON a.gene_id = g.id AND a.source = 'hpo_phenotypes'
       WHERE g.id = ANY($1::int[]) AND a.annotations ? 'classification'
       ORDER BY g.id`,
      [geneIds],
    );
  }

  annotations(
    geneId: number,
    source?: string,
  ): Promise<
    {
      source: string;
      version: string | null;
      annotations: Record<string, unknown>;
      source_metadata: Record<string, unknown>;
      updated_at: Date;
    }[]
  > {
    return this.dataSource.query(
      `SELECT source, version, annotations, source_metadata, updated_at FROM gene_annotations
       WHERE gene_id = $1 AND ($2::text IS NULL OR source = $2) ORDER BY source`,
      [geneId, source ?? null],
    );
  }

  /** The genes among `geneIds` with their annotation rows (from `sources` when given). */
  async annotationsOf(
    geneIds: number[],
    sources: string[] | null,
  ): Promise<{
    genes: { id: number; approved_symbol: string; hgnc_id: string }[];
    rows: {
      gene_id: number;
      source: string;
      version: string | null;
      annotations: Record<string, unknown>;
      source_metadata: Record<string, unknown>;
      updated_at: Date;
    }[];
  }> {
    const [genes, rows] = await Promise.all([
      this.dataSource.query<{ id: number; approved_symbol: string; hgnc_id: string }[]>(
        'SELECT id, approved_symbol, hgnc_id FROM genes WHERE id = ANY($1::int[]) ORDER BY id',
        [geneIds],
      ),
      this.dataSource.query<
        {
          gene_id: number;
          source: string;
          version: string | null;
          annotations: Record<string, unknown>;
          source_metadata: Record<string, unknown>;
          updated_at: Date;
        }[]
      >(
        `SELECT gene_id, source, version, annotations, source_metadata, updated_at
         FROM gene_annotations
         WHERE gene_id = ANY($1::int[]) AND ($2::text[] IS NULL OR source = ANY($2::text[]))
         ORDER BY gene_id, source`,
        [geneIds, sources],
      ),
    ]);
    return { genes, rows };
  }
}
