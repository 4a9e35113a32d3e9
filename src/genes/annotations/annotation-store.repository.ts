import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** A gene as annotation sources see it: ids from the HGNC annotation when present. */
export interface AnnotationTarget {
  id: number;
  hgnc_id: string;
  symbol: string;
  ncbi_gene_id?: string;
  ensembl_gene_id?: string;
}

/** A gene with evidence (`gene_scores.percentage_score > 0`) and the names it went by. */
export interface KidneyGene {
  id: number;
  symbol: string;
  percentage_score: number;
  /** Upper-case previous symbols and aliases: the gene row's and its HGNC annotation's. */
  previous_symbols: string[];
  aliases: string[];
}

export type AnnotationScope = 'all' | 'missing' | 'failed';

export interface StoredAnnotation {
  geneId: number;
  annotations: Record<string, unknown>;
  /** `data` or `no_data` (the upstream knows nothing about the gene). */
  status: 'data' | 'no_data';
}

export interface AnnotationSourceStats {
  source: string;
  rows: number;
  no_data: number;
  version: string | null;
  last_updated: Date | null;
  failed: number;
}

/** SQL for `gene_annotations` writes and `annotation_failures`. */
@Injectable()
export class AnnotationStoreRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The genes in scope for `source`, in id order; `geneIds` narrows any scope. */
  targets(
    source: string,
    scope: AnnotationScope,
    geneIds: number[] | null,
  ): Promise<AnnotationTarget[]> {
    const where: Record<AnnotationScope, string> = {
      all: '$1::text IS NOT NULL',
      missing: `NOT EXISTS (SELECT 1 FROM gene_annotations x WHERE x.gene_id = g.id AND x.source = $1)`,
      failed: `EXISTS (SELECT 1 FROM annotation_failures f WHERE f.gene_id = g.id AND f.source = $1)`,
    };
    return this.dataSource
      .query<
        {
          id: number;
          hgnc_id: string;
          symbol: string;
          ncbi_gene_id: string | null;
          ensembl_gene_id: string | null;
        }[]
      >(
        `SELECT g.id, g.hgnc_id, g.approved_symbol AS symbol,
                nullif(coalesce(h.annotations->>'ncbi_gene_id', h.annotations->>'entrez_id'), '') AS ncbi_gene_id,
                nullif(h.annotations->>'ensembl_gene_id', '') AS ensembl_gene_id
         FROM genes g
         LEFT JOIN gene_annotations h ON h.gene_id = g.id AND h.source = 'hgnc'
         WHERE ${where[scope]} AND ($2::int[] IS NULL OR g.id = ANY($2::int[]))
         ORDER BY g.id`,
        [source, geneIds],
      )
      .then((rows) =>
        rows.map((r) => ({
          id: r.id,
          hgnc_id: r.hgnc_id,
          symbol: r.symbol,
          ...(r.ncbi_gene_id ? { ncbi_gene_id: r.ncbi_gene_id } : {}),
          ...(r.ensembl_gene_id ? { ensembl_gene_id: r.ensembl_gene_id } : {}),
        })),
      );
  }

  /**
   * Brings the genes' approved symbol, name, aliases and previous symbols in line with
   * their stored HGNC annotation: HGNC decides what a gene is called. A symbol HGNC has
   * replaced becomes a previous symbol, so lookups by either keep working; a symbol that
   * another local gene holds is left alone. Returns how many genes changed.
   */
  async syncIdentityFromHgnc(manager: EntityManager, geneIds: number[]): Promise<number> {
    if (geneIds.length === 0) {
      return 0;
    }
    const rows = await manager.query<{ id: number }[]>(
      `WITH h AS (
         SELECT a.gene_id,
                nullif(a.annotations ->> 'symbol', '') AS symbol,
                nullif(a.annotations ->> 'name', '') AS name,
                CASE WHEN jsonb_typeof(a.annotations -> 'alias_symbol') = 'array'
                     THEN ARRAY(SELECT jsonb_array_elements_text(a.annotations -> 'alias_symbol')) END AS aliases,
                CASE WHEN jsonb_typeof(a.annotations -> 'prev_symbol') = 'array'
                     THEN ARRAY(SELECT jsonb_array_elements_text(a.annotations -> 'prev_symbol')) END AS previous
         FROM gene_annotations a
         WHERE a.source = 'hgnc' AND a.gene_id = ANY($1::int[]) AND a.annotations ? 'symbol'),
       next AS (
         SELECT g.id,
                CASE WHEN h.symbol IS NOT NULL AND upper(h.symbol) <> upper(g.approved_symbol)
                          AND NOT EXISTS (SELECT 1 FROM genes o
                                          WHERE upper(o.approved_symbol) = upper(h.symbol) AND o.id <> g.id)
                     THEN h.symbol ELSE g.approved_symbol END AS symbol,
                coalesce(h.name, g.name) AS name,
                coalesce(h.aliases, g.aliases) AS aliases,
                coalesce(h.previous, g.previous_symbols) AS previous,
                g.approved_symbol AS old_symbol
         FROM genes g JOIN h ON h.gene_id = g.id)
       UPDATE genes g SET
         approved_symbol = n.symbol,
         name = n.name,
         aliases = n.aliases,
         previous_symbols = CASE
           WHEN n.symbol <> n.old_symbol AND NOT (upper(n.old_symbol) = ANY(SELECT upper(x) FROM unnest(n.previous || n.aliases) x))
           THEN n.previous || n.old_symbol ELSE n.previous END,
         updated_at = now()
       FROM next n
       WHERE g.id = n.id
         AND (g.approved_symbol, g.name, g.aliases, g.previous_symbols)
             IS DISTINCT FROM (n.symbol, n.name, n.aliases,
                               CASE WHEN n.symbol <> n.old_symbol AND NOT (upper(n.old_symbol) = ANY(SELECT upper(x) FROM unnest(n.previous || n.aliases) x))
                                    THEN n.previous || n.old_symbol ELSE n.previous END)
       RETURNING g.id`,
      [geneIds],
    );
    return rows.length;
  }

  /**
   * Upserts rows (a new version replaces the old row; unique per gene and source) and
   * clears their genes' failures. Returns how many rows were new.
   */
  async upsert(
    manager: EntityManager,
    source: string,
    version: string,
    rows: StoredAnnotation[],
    runId: string,
  ): Promise<number> {
    if (rows.length === 0) {
      return 0;
    }
    const inserted = await manager.query<{ inserted: boolean }[]>(
      `INSERT INTO gene_annotations (gene_id, source, version, annotations, source_metadata)
       SELECT r.gene_id, $1, $2, r.annotations,
              jsonb_build_object('status', r.status, 'run_id', $3::text)
       FROM jsonb_to_recordset($4::jsonb) AS r(gene_id int, annotations jsonb, status text)
       ON CONFLICT ON CONSTRAINT uq_gene_annotations_gene_source DO UPDATE
         SET version = EXCLUDED.version, annotations = EXCLUDED.annotations,
             source_metadata = EXCLUDED.source_metadata, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [
        source,
        version,
        runId,
        JSON.stringify(
          rows.map((r) => ({ gene_id: r.geneId, annotations: r.annotations, status: r.status })),
        ),
      ],
    );
    await manager.query(
      `DELETE FROM annotation_failures WHERE source = $1 AND gene_id = ANY($2::int[])`,
      [source, rows.map((r) => r.geneId)],
    );
    return inserted.filter((r) => r.inserted).length;
  }

  /** Records (or counts another attempt of) each gene's failure with its latest reason. */
  async recordFailures(
    manager: EntityManager,
    source: string,
    failures: { geneId: number; reason: string }[],
  ): Promise<void> {
    if (failures.length === 0) {
      return;
    }
    await manager.query(
      `INSERT INTO annotation_failures (gene_id, source, reason)
       SELECT r.gene_id, $1, r.reason FROM jsonb_to_recordset($2::jsonb) AS r(gene_id int, reason text)
       ON CONFLICT (gene_id, source) DO UPDATE
         SET reason = EXCLUDED.reason, attempts = annotation_failures.attempts + 1,
             last_attempt_at = now()`,
      [source, JSON.stringify(failures.map((f) => ({ gene_id: f.geneId, reason: f.reason })))],
    );
  }

  /** Genes whose evidence score is above zero, in id order. */
  kidneyGenes(): Promise<KidneyGene[]> {
    const names = (column: string, field: string) =>
      `array(SELECT DISTINCT upper(x) FROM unnest(g.${column} || array(
         SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(h.annotations->'${field}') = 'array'
                                              THEN h.annotations->'${field}' ELSE '[]'::jsonb END))) x
         WHERE x <> '' ORDER BY 1)`;
    return this.dataSource.query<KidneyGene[]>(
      `SELECT g.id, g.approved_symbol AS symbol, s.percentage_score::float8 AS percentage_score,
              ${names('previous_symbols', 'prev_symbol')} AS previous_symbols,
              ${names('aliases', 'alias_symbol')} AS aliases
       FROM gene_scores s
       JOIN genes g ON g.id = s.gene_id
       LEFT JOIN gene_annotations h ON h.gene_id = g.id AND h.source = 'hgnc'
       WHERE s.percentage_score > 0
       ORDER BY g.id`,
    );
  }

  /** Which of `names` (upper-case) are the approved symbol of some gene. */
  async approvedSymbolsAmong(names: string[]): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT DISTINCT upper(approved_symbol) AS name FROM genes
       WHERE upper(approved_symbol) = ANY($1::text[])`,
      [names],
    );
    return new Set(rows.map((r) => r.name));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Genes whose evidence score is above zero. */
  async scoredGeneCount(): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM gene_scores WHERE percentage_score > 0',
    );
    return rows[0]?.n ?? 0;
  }

  async geneCount(): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM genes',
    );
    return rows[0]?.n ?? 0;
  }

  /** Rows, no-data rows, the newest version and update, and failures, per source. */
  async stats(): Promise<AnnotationSourceStats[]> {
    return this.dataSource.query(
      `WITH a AS (
         SELECT source, count(*)::int AS rows,
                count(*) FILTER (WHERE source_metadata->>'status' = 'no_data')::int AS no_data,
                (array_agg(version ORDER BY updated_at DESC))[1] AS version,
                max(updated_at) AS last_updated
         FROM gene_annotations GROUP BY source),
       f AS (SELECT source, count(*)::int AS failed FROM annotation_failures GROUP BY source)
       SELECT coalesce(a.source, f.source) AS source, coalesce(a.rows, 0) AS rows,
              coalesce(a.no_data, 0) AS no_data, a.version, a.last_updated,
              coalesce(f.failed, 0) AS failed
       FROM a FULL JOIN f ON f.source = a.source`,
    );
  }

  /** Genes with any annotation row, and with both an HGNC and a gnomAD row. */
  async coverage(): Promise<{ genes_with_any: number; genes_with_hgnc_and_gnomad: number }> {
    const rows = await this.dataSource.query<
      { genes_with_any: number; genes_with_hgnc_and_gnomad: number }[]
    >(
      `SELECT count(*)::int AS genes_with_any,
              count(*) FILTER (WHERE has_hgnc AND has_gnomad)::int AS genes_with_hgnc_and_gnomad
       FROM (SELECT gene_id, bool_or(source = 'hgnc') AS has_hgnc,
                    bool_or(source = 'gnomad') AS has_gnomad
             FROM gene_annotations GROUP BY gene_id) g`,
    );
    return rows[0];
  }

  /** Deletes annotation rows (of `source`, of `geneIds`, or all) and their failure records. */
  async reset(source: string | null, geneIds: number[] | null): Promise<AnnotationReset> {
    return this.transaction(async (manager) => {
      const params = [source, geneIds];
      const where = `($1::text IS NULL OR source = $1) AND ($2::int[] IS NULL OR gene_id = ANY($2::int[]))`;
      const [rows] = await manager.query<AnnotationReset[]>(
        `WITH d AS (DELETE FROM gene_annotations WHERE ${where} RETURNING gene_id)
         SELECT count(*)::int AS deleted, count(DISTINCT gene_id)::int AS affected_genes FROM d`,
        params,
      );
      await manager.query(`DELETE FROM annotation_failures WHERE ${where}`, params);
      return rows;
    });
  }

  /**
   * Data rows lacking the field their source is read for (HGNC without an NCBI gene id,
   * gnomAD without pLI), at most `limit`, with how many rows were checked.
   */
  async incompleteRows(
    source: string | null,
    limit: number,
  ): Promise<{ checked: number; issues: AnnotationIssue[]; found: number }> {
    const params = [source, limit];
    const lacking = `(a.source = 'hgnc' AND nullif(a.annotations->>'ncbi_gene_id', '') IS NULL)
        OR (a.source = 'gnomad' AND a.annotations->'constraint'->'pli' IS NULL)`;
    const scope = `($1::text IS NULL OR a.source = $1)
        AND coalesce(a.source_metadata->>'status', 'data') = 'data'`;
    const [counts] = await this.dataSource.query<{ checked: number; found: number }[]>(
      `SELECT count(*)::int AS checked, count(*) FILTER (WHERE ${lacking})::int AS found
       FROM gene_annotations a WHERE ${scope}`,
      [source],
    );
    const issues = await this.dataSource.query<AnnotationIssue[]>(
      `SELECT a.gene_id, g.approved_symbol AS gene_symbol, a.source,
              CASE a.source WHEN 'hgnc' THEN 'no ncbi_gene_id' ELSE 'no pli' END AS issue
       FROM gene_annotations a JOIN genes g ON g.id = a.gene_id
       WHERE ${scope} AND (${lacking})
       ORDER BY a.source, a.gene_id LIMIT $2`,
      params,
    );
    return { checked: counts.checked, found: counts.found, issues };
  }

  /**
   * Every STRING data row's stored ppi_percentile beside the percent rank of its
   * ppi_score among all stored STRING rows (4 decimals, as the source writes it), the
   * largest differences first.
   */
  async ppiPercentiles(): Promise<PercentileCheck[]> {
    return this.dataSource.query<PercentileCheck[]>(
      `WITH ${RANKED_PPI}
       SELECT r.gene_id, g.approved_symbol AS gene_symbol, r.stored, r.expected
       FROM ranked r JOIN genes g ON g.id = r.gene_id
       ORDER BY abs(coalesce(r.stored, -1) - r.expected) DESC, g.approved_symbol`,
    );
  }

  /** Writes the percent rank into every STRING row whose stored percentile differs. */
  async refreshPpiPercentiles(): Promise<{ total: number; updated: number }> {
    const [row] = await this.dataSource.query<{ total: number; updated: number }[]>(
      `WITH ${RANKED_PPI},
       changed AS (
         UPDATE gene_annotations a
         SET annotations = jsonb_set(a.annotations, '{ppi_percentile}', to_jsonb(r.expected)),
             updated_at = now()
         FROM ranked r
         WHERE a.id = r.id AND r.stored IS DISTINCT FROM r.expected
         RETURNING a.id)
       SELECT (SELECT count(*)::int FROM ranked) AS total,
              (SELECT count(*)::int FROM changed) AS updated`,
    );
    return row;
  }
}

/** STRING data rows with a numeric ppi_score, ranked as the source ranks them. */
const RANKED_PPI = `ranked AS (
  SELECT a.id, a.gene_id,
         CASE WHEN jsonb_typeof(a.annotations->'ppi_percentile') = 'number'
              THEN (a.annotations->>'ppi_percentile')::numeric END AS stored,
         round(percent_rank() OVER (ORDER BY (a.annotations->>'ppi_score')::numeric)::numeric, 4)
           AS expected
  FROM gene_annotations a
  WHERE a.source = 'string_ppi' AND coalesce(a.source_metadata->>'status', 'data') = 'data'
    AND jsonb_typeof(a.annotations->'ppi_score') = 'number')`;

export interface PercentileCheck {
  gene_id: number;
  gene_symbol: string;
  /** numeric columns arrive as strings. */
  stored: string | null;
  expected: string;
}

export interface AnnotationReset {
  deleted: number;
  affected_genes: number;
}

export interface AnnotationIssue {
  gene_id: number;
  gene_symbol: string;
  source: string;
  issue: string;
}
