import { Injectable } from '@nestjs/common';

import { CacheService } from '../cache/cache.service.js';
import { NotFoundError, ValidationFailedError } from '../common/errors/index.js';
import { DATASOURCE_EXPLANATIONS, DATASOURCE_METADATA } from './datasource-metadata.js';
import { EVIDENCE_TIERS, type EvidenceTier } from './evidence-tiers.js';
import { ScoreRefresher } from './scoring/score-refresher.service.js';
import { StatisticsRepository, type StatsFilter } from './statistics.repository.js';

const TIER_LABELS: Record<EvidenceTier, { label: string; color: string }> = {
  comprehensive_support: { label: 'Comprehensive Support', color: '#4CAF50' },
  multi_source_support: { label: 'Multi-Source Support', color: '#2196F3' },
  established_support: { label: 'Established Support', color: '#1976D2' },
  preliminary_evidence: { label: 'Preliminary Evidence', color: '#FFC107' },
  minimal_evidence: { label: 'Minimal Evidence', color: '#9E9E9E' },
  no_evidence: { label: 'Insufficient Evidence', color: '#BDBDBD' },
};

const pct = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;

/** Dataset statistics (overlaps, distributions, composition) and data-source summaries. */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly stats: StatisticsRepository,
    private readonly cache: CacheService,
    scores: ScoreRefresher,
  ) {
    // The summary's default scope (zero scores hidden), ready before its first read.
    scores.onRefreshed('statistics summary', () => this.summary({ hideZeroScores: true }));
  }

  private meta(filter: StatsFilter, extra: Record<string, unknown> = {}) {
    return { hide_zero_scores: filter.hideZeroScores, tiers: filter.tiers ?? null, ...extra };
  }

  async overlaps(filter: StatsFilter, requested: string[] | undefined, withGenes: boolean) {
    const started = performance.now();
    if (requested?.length) {
      const known = await this.stats.scoredSourceNames();
      const unknown = requested.filter((s) => !known.includes(s));
      if (unknown.length > 0) {
        throw new ValidationFailedError([
          {
            field: 'sources',
            messages: [`unknown sources: ${unknown.join(', ')}; known: ${known.join(', ')}`],
          },
        ]);
      }
    }
    const sizes = await this.stats.sourceSizes(filter);
    const sources = requested?.length ? [...new Set(requested)] : sizes.map((s) => s.source_name);
    const groups = await this.stats.overlaps(filter, sources, withGenes);
    const intersections = groups.map((g) => {
      const mask = BigInt(g.mask);
      const sets = sources.filter((_, i) => (mask >> BigInt(i)) & 1n);
      return { sets, size: g.size, ...(withGenes ? { genes: g.genes ?? [] } : {}) };
    });
    const total = intersections.reduce((n, i) => n + i.size, 0);
    const inAll = intersections.find((i) => i.sets.length === sources.length)?.size ?? 0;
    return {
      data: {
        sets: sources.map((name) => ({
          name,
          size: sizes.find((s) => s.source_name === name)?.genes ?? 0,
        })),
        intersections,
        total_unique_genes: total,
        overlap_statistics: {
          highest_overlap_count: Math.max(0, ...intersections.map((i) => i.sets.length)),
          genes_in_all_sources: inAll,
          single_source_combinations: intersections.filter((i) => i.sets.length === 1).length,
          total_combinations: intersections.length,
        },
      },
      meta: this.meta(filter, {
        visualization_type: 'upset_plot',
        query_duration_ms: Math.round(performance.now() - started),
      }),
    };
  }

  async distributions(filter: StatsFilter) {
    const [counts, classes] = await Promise.all([
      this.stats.countDistributions(filter),
      this.stats.classificationDistributions(filter),
    ]);
    const data: Record<
      string,
      {
        distribution: { category: string; gene_count: number }[];
        metadata: Record<string, unknown>;
      }
    > = {};
    for (const [rows, kind] of [
      [counts, 'count'],
      [classes, 'classification'],
    ] as const) {
      for (const r of rows) {
        data[r.source_name] ??= { distribution: [], metadata: { kind, total_genes: 0 } };
        data[r.source_name].distribution.push({ category: r.category, gene_count: r.gene_count });
        (data[r.source_name].metadata as { total_genes: number }).total_genes += r.gene_count;
      }
    }
    return { data, meta: this.meta(filter) };
  }

  async composition(filter: StatsFilter) {
    const { tiers, coverage, contributions, totals } = await this.stats.composition(filter);
    const byTier = new Map(tiers.map((t) => [t.tier, t.n]));
    const contributionTotal = contributions.reduce((n, c) => n + Number(c.total), 0);
    return {
      data: {
        evidence_tier_distribution: EVIDENCE_TIERS.filter((t) => byTier.has(t)).map((tier) => ({
          tier,
          tier_label: TIER_LABELS[tier].label,
          gene_count: byTier.get(tier)!,
          percentage: pct(byTier.get(tier)!, totals.genes),
          color: TIER_LABELS[tier].color,
        })),
        source_contribution_weights: Object.fromEntries(
          contributions.map((c) => [c.source, pct(Number(c.total), contributionTotal) / 100]),
        ),
        source_coverage_distribution: coverage.map((c) => ({
          source_count: c.source_count,
          gene_count: c.n,
          percentage: pct(c.n, totals.genes),
        })),
        summary_statistics: {
          total_genes: totals.genes,
          total_evidence_records: totals.records,
          active_sources: totals.sources,
          avg_sources_per_gene: Number(totals.avg_sources ?? 0),
        },
      },
      meta: this.meta(filter),
    };
  }

  /**
   * The dataset summary of a scope, computed once per score refresh: it changes only then.
   * Kept in `genes-meta`, which a refresh clears; the default scope is recomputed at once.
   */
  summary(filter: StatsFilter) {
    return this.cache.wrap(
      { summary: { hideZeroScores: filter.hideZeroScores, tiers: filter.tiers ?? null } },
      () => this.computeSummary(filter),
      'genes-meta',
    );
  }

  private async computeSummary(filter: StatsFilter) {
    const [overlaps, composition] = await Promise.all([
      this.overlaps(filter, undefined, false),
      this.composition(filter),
    ]);
    const sets = overlaps.data.sets.map((s) => s.name);
    const pairwise: { source_a: string; source_b: string; shared_genes: number }[] = [];
    for (let a = 0; a < sets.length; a++) {
      for (let b = a + 1; b < sets.length; b++) {
        const shared = overlaps.data.intersections
          .filter((i) => i.sets.includes(sets[a]) && i.sets.includes(sets[b]))
          .reduce((n, i) => n + i.size, 0);
        pairwise.push({ source_a: sets[a], source_b: sets[b], shared_genes: shared });
      }
    }
    const coverage = composition.data.source_coverage_distribution;
    const tierCount = (t: string) =>
      composition.data.evidence_tier_distribution.find((d) => d.tier === t)?.gene_count ?? 0;
    return {
      data: {
        overview: {
          total_genes: composition.data.summary_statistics.total_genes,
          active_sources: composition.data.summary_statistics.active_sources,
          total_intersections: overlaps.data.overlap_statistics.total_combinations,
          genes_in_all_sources: overlaps.data.overlap_statistics.genes_in_all_sources,
        },
        quality: {
          avg_sources_per_gene: composition.data.summary_statistics.avg_sources_per_gene,
          total_evidence_records: composition.data.summary_statistics.total_evidence_records,
          high_confidence_genes:
            tierCount('comprehensive_support') + tierCount('multi_source_support'),
        },
        coverage: {
          single_source_genes: coverage.find((c) => c.source_count === 1)?.gene_count ?? 0,
          multi_source_genes: coverage
            .filter((c) => c.source_count > 1)
            .reduce((n, c) => n + c.gene_count, 0),
          source_distribution_variety: coverage.length,
        },
        pairwise_overlaps: pairwise,
      },
      meta: this.meta(filter),
    };
  }

  async dataSources() {
    const [rows, coverage, counts] = await Promise.all([
      this.stats.dataSources(),
      this.stats.geneCoverage(),
      this.stats.metadataCounts(DATASOURCE_METADATA),
    ]);
    const withEvidence = rows.filter((r) => r.evidence_count > 0);
    // The original clients' per-source card counters (stats.metadata).
    const metadata = (name: string) =>
      Object.fromEntries(counts.filter((c) => c.source === name).map((c) => [c.key, c.count]));
    return {
      data: {
        sources: rows.map((r) => ({
          name: r.name,
          display_name: r.display_name,
          description: r.description,
          category: r.category,
          scoring: r.scoring,
          status: shownStatus(r),
          url: r.url,
          documentation_url: r.documentation_url,
          stats: {
            gene_count: r.gene_count,
            evidence_count: r.evidence_count,
            last_updated: r.last_updated?.toISOString() ?? null,
            metadata: metadata(r.name),
          },
        })),
        total_sources: rows.length,
        total_unique_genes: coverage.with_evidence,
        orphaned_genes: coverage.without_evidence,
        explanations: DATASOURCE_EXPLANATIONS,
        total_active: withEvidence.length,
        total_evidence_records: rows.reduce((n, r) => n + r.evidence_count, 0),
        last_data_update:
          withEvidence
            .map((r) => r.last_updated?.toISOString() ?? '')
            .sort()
            .at(-1) ?? null,
      },
      meta: { timestamp: new Date().toISOString() },
    };
  }

  async dataSource(name: string) {
    const rows = await this.stats.dataSources();
    const row = rows.find((r) => r.name.toLowerCase() === name.toLowerCase());
    if (!row) {
      throw new NotFoundError(`Data source ${name} not found`);
    }
    const top = await this.stats.topGenes(row.name, 10);
    return {
      data: {
        name: row.name,
        display_name: row.display_name,
        description: row.description,
        category: row.category,
        scoring: row.scoring,
        status: shownStatus(row),
        url: row.url,
        documentation_url: row.documentation_url,
        stats: {
          gene_count: row.gene_count,
          evidence_count: row.evidence_count,
          last_updated: row.last_updated?.toISOString() ?? null,
        },
        top_genes: top.map((t) => ({ symbol: t.symbol, score: Number(t.score), count: t.count })),
      },
      meta: { timestamp: new Date().toISOString() },
    };
  }
}

/**
 * An upload source is `ready_for_upload` until something is uploaded, and `active` while
 * it holds evidence (the original's Data Sources page knows active, error and pending).
 */
function shownStatus(row: { category: string; status: string; evidence_count: number }): string {
  return row.category === 'upload' && row.status === 'ready_for_upload' && row.evidence_count > 0
    ? 'active'
    : row.status;
}
