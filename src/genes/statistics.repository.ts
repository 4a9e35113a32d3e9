import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import type { MetadataCounter } from './datasource-metadata.js';
import type { EvidenceTier } from './evidence-tiers.js';
import type { RegistryRow } from './registry/source-registry.repository.js';

export interface StatsFilter {
  hideZeroScores: boolean;
  tiers?: EvidenceTier[];
}

/** The genes a statistic covers, as a CTE; parameters start at `$1`. */
function scopeCte(filter: StatsFilter, params: unknown[]): string {
  const clauses: string[] = [];
  if (filter.hideZeroScores) {
    clauses.push('coalesce(s.percentage_score, 0) > 0');
  }
  if (filter.tiers?.length) {
    params.push(filter.tiers);
    clauses.push(`coalesce(s.evidence_tier, 'no_evidence') = ANY($${params.length}::text[])`);
  }
  return `scope AS (
    SELECT g.id, g.approved_symbol, coalesce(s.percentage_score, 0) AS score,
           coalesce(s.source_count, 0) AS source_count, coalesce(s.evidence_tier, 'no_evidence') AS tier,
           coalesce(s.source_scores, '{}'::jsonb) AS source_scores
    FROM genes g LEFT JOIN gene_scores s ON s.gene_id = g.id
    ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''})`;
}

/** Aggregates over genes, evidence and scores for the statistics and data-source endpoints. */
@Injectable()
export class StatisticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One query: each gene's set of sources as a bitmask, grouped by mask. */
  async overlaps(filter: StatsFilter, sources: string[], withGenes: boolean) {
    const params: unknown[] = [sources];
    const scope = scopeCte(filter, params);
    return this.dataSource.query<{ mask: string; size: number; genes: string[] | null }[]>(
      `WITH ${scope},
       src AS (SELECT name, ord - 1 AS bit FROM unnest($1::text[]) WITH ORDINALITY AS t(name, ord)),
       masks AS (
         SELECT e.gene_id, sum(DISTINCT (1::bigint << src.bit::int)) AS mask
         FROM gene_evidence e JOIN src ON src.name = e.source_name JOIN scope ON scope.id = e.gene_id
         GROUP BY e.gene_id)
       SELECT m.mask::text AS mask, count(*)::int AS size,
              ${withGenes ? 'array_agg(scope.approved_symbol ORDER BY scope.approved_symbol)' : 'NULL::text[]'} AS genes
       FROM masks m JOIN scope ON scope.id = m.gene_id
       GROUP BY m.mask ORDER BY size DESC, m.mask`,
      params,
    );
  }

  async sourceSizes(filter: StatsFilter) {
    const params: unknown[] = [];
    const scope = scopeCte(filter, params);
    return this.dataSource.query<
      { source_name: string; genes: number; records: number; last_updated: Date | null }[]
    >(
      `WITH ${scope}
       SELECT e.source_name, count(DISTINCT e.gene_id)::int AS genes, count(*)::int AS records,
              max(e.updated_at) AS last_updated
       FROM gene_evidence e JOIN scope ON scope.id = e.gene_id GROUP BY e.source_name ORDER BY e.source_name`,
      params,
    );
  }

  async countDistributions(filter: StatsFilter) {
    const params: unknown[] = [];
    const scope = scopeCte(filter, params);
    return this.dataSource.query<{ source_name: string; category: string; gene_count: number }[]>(
      `WITH ${scope},
       counts AS (
         SELECT c.source_name,
                CASE WHEN c.source_count <= 5 THEN c.source_count::text
                     WHEN c.source_count <= 10 THEN '6-10' WHEN c.source_count <= 20 THEN '11-20'
                     WHEN c.source_count <= 50 THEN '21-50' ELSE '>50' END AS category,
                CASE WHEN c.source_count <= 5 THEN c.source_count WHEN c.source_count <= 10 THEN 6
                     WHEN c.source_count <= 20 THEN 11 WHEN c.source_count <= 50 THEN 21 ELSE 51 END AS ord
         FROM evidence_source_counts c JOIN scope ON scope.id = c.gene_id
         WHERE c.source_name NOT IN ('ClinGen', 'GenCC'))
       SELECT source_name, category, count(*)::int AS gene_count FROM counts
       GROUP BY source_name, category, ord ORDER BY source_name, ord`,
      params,
    );
  }

  async classificationDistributions(filter: StatsFilter) {
    const params: unknown[] = [];
    const scope = scopeCte(filter, params);
    return this.dataSource.query<{ source_name: string; category: string; gene_count: number }[]>(
      `WITH ${scope}
       SELECT w.source_name,
              CASE w.weight WHEN 1.0 THEN 'Definitive' WHEN 0.8 THEN 'Strong' WHEN 0.6 THEN 'Moderate'
                   WHEN 0.5 THEN 'Supportive' WHEN 0.4 THEN 'Limited' WHEN 0.2 THEN 'Disputed'
                   ELSE 'Refuted / no known relationship' END AS category,
              count(*)::int AS gene_count
       FROM evidence_classification_weights w JOIN scope ON scope.id = w.gene_id
       GROUP BY w.source_name, w.weight ORDER BY w.source_name, w.weight DESC`,
      params,
    );
  }

  async composition(filter: StatsFilter) {
    const params: unknown[] = [];
    const scope = scopeCte(filter, params);
    const [tiers, coverage, contributions, totals] = await Promise.all([
      this.dataSource.query<{ tier: EvidenceTier; n: number }[]>(
        `WITH ${scope} SELECT tier, count(*)::int AS n FROM scope GROUP BY tier`,
        params,
      ),
      this.dataSource.query<{ source_count: number; n: number }[]>(
        `WITH ${scope} SELECT source_count, count(*)::int AS n FROM scope GROUP BY source_count ORDER BY source_count`,
        params,
      ),
      this.dataSource.query<{ source: string; total: string }[]>(
        `WITH ${scope} SELECT kv.key AS source, sum(kv.value::numeric)::text AS total
         FROM scope, jsonb_each_text(scope.source_scores) kv GROUP BY kv.key ORDER BY kv.key`,
        params,
      ),
      this.dataSource.query<
        { genes: number; records: number; sources: number; avg_sources: string | null }[]
      >(
        `WITH ${scope}
         SELECT (SELECT count(*)::int FROM scope) AS genes,
                (SELECT count(*)::int FROM gene_evidence e JOIN scope ON scope.id = e.gene_id) AS records,
                (SELECT count(DISTINCT e.source_name)::int FROM gene_evidence e JOIN scope ON scope.id = e.gene_id) AS sources,
                (SELECT round(avg(source_count), 2)::text FROM scope) AS avg_sources`,
        params,
      ),
    ]);
    return { tiers, coverage, contributions, totals: totals[0] };
  }

  /** Names of the sources whose evidence is scored (evidence and upload sources). */
  async scoredSourceNames(): Promise<string[]> {
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT name FROM data_sources WHERE category IN ('evidence', 'upload') ORDER BY name`,
    );
    return rows.map((r) => r.name);
  }

  async dataSources() {
    return this.dataSource.query<
      (Omit<RegistryRow, 'created_at' | 'updated_at'> & {
        gene_count: number;
        evidence_count: number;
        last_updated: Date | null;
      })[]
    >(
      `SELECT d.name, d.display_name, d.description, d.category, d.scoring, d.status, d.url, d.documentation_url,
              count(DISTINCT e.gene_id) FILTER (WHERE coalesce(s.percentage_score, 0) > 0)::int AS gene_count,
              count(e.id)::int AS evidence_count, max(e.updated_at) AS last_updated
       FROM data_sources d
       LEFT JOIN gene_evidence e ON e.source_name = d.name
       LEFT JOIN gene_scores s ON s.gene_id = e.gene_id
       WHERE d.category IN ('evidence', 'upload')
       GROUP BY d.name ORDER BY d.name`,
    );
  }

  /** Distinct genes with any evidence, and genes with none. */
  async geneCoverage(): Promise<{ with_evidence: number; without_evidence: number }> {
    const [row] = await this.dataSource.query<
      { with_evidence: number; without_evidence: number }[]
    >(
      `SELECT (SELECT count(DISTINCT gene_id) FROM gene_evidence)::int AS with_evidence,
              (SELECT count(*) FROM genes g
               WHERE NOT EXISTS (SELECT 1 FROM gene_evidence e WHERE e.gene_id = g.id))::int AS without_evidence`,
    );
    return row;
  }

  /** Each counter's value over its source's evidence (see DATASOURCE_METADATA). */
  async metadataCounts(
    counters: readonly MetadataCounter[],
  ): Promise<{ source: string; key: string; count: number }[]> {
    return this.dataSource.query(
      `SELECT c.source, c.key,
              (CASE c.mode
                 WHEN 'distinct' THEN (
                   SELECT count(DISTINCT x) FROM gene_evidence e
                   CROSS JOIN LATERAL jsonb_array_elements(
                     CASE WHEN jsonb_typeof(e.evidence_data -> c.field) = 'array'
                          THEN e.evidence_data -> c.field ELSE '[]'::jsonb END) x
                   WHERE e.source_name = c.source)
                 WHEN 'sum' THEN (
                   SELECT coalesce(sum(jsonb_array_length(e.evidence_data -> c.field)), 0)
                   FROM gene_evidence e
                   WHERE e.source_name = c.source AND jsonb_typeof(e.evidence_data -> c.field) = 'array')
                 ELSE (
                   SELECT count(DISTINCT k) FROM gene_evidence e
                   CROSS JOIN LATERAL jsonb_object_keys(
                     CASE WHEN jsonb_typeof(e.evidence_data -> c.field) = 'object'
                          THEN e.evidence_data -> c.field ELSE '{}'::jsonb END) k
                   WHERE e.source_name = c.source)
               END)::int AS count
       FROM jsonb_to_recordset($1::jsonb) AS c(source text, key text, field text, mode text)`,
      [JSON.stringify(counters)],
    );
  }

  async topGenes(source: string, limit: number) {
    return this.dataSource.query<{ symbol: string; score: string; count: number | null }[]>(
      `SELECT g.approved_symbol AS symbol, (s.source_scores ->> $1) AS score,
              CASE WHEN $1 IN ('ClinGen', 'GenCC') THEN NULL ELSE c.source_count END AS count
       FROM gene_scores s JOIN genes g ON g.id = s.gene_id
       LEFT JOIN evidence_source_counts c ON c.gene_id = g.id AND c.source_name = $1
       WHERE s.source_scores ? $1
       ORDER BY (s.source_scores ->> $1)::numeric DESC, g.approved_symbol LIMIT $2`,
      [source, limit],
    );
  }
}
