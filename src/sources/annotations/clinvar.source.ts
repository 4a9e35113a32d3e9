import { Injectable } from '@nestjs/common';

import { SourceToolkit } from '../base/source-toolkit.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcomes,
  AnnotationSource,
  failed,
  mapLimit,
  noData,
  reasonOf,
} from './annotation-source.js';
import {
  classifyGermline,
  CLINVAR_CLASSES,
  type ClinVarClass,
  CONSEQUENCE_CATEGORIES,
  type ConsequenceCategory,
  consequenceCategory,
  reviewStars,
} from './clinvar-classification.js';

/** esearch returns at most this many ids per call; more are paged with retstart. */
const ESEARCH_PAGE = 10_000;
const TOP_TRAITS = 10;
const UNINFORMATIVE_TRAITS = new Set(['not provided', 'not specified', 'see cases']);

interface ESearch {
  esearchresult?: { count?: string; idlist?: string[]; ERROR?: string };
}

export interface ClinVarSummary {
  uid?: string;
  title?: string;
  obj_type?: string;
  error?: string;
  molecular_consequence_list?: string[];
  germline_classification?: {
    description?: string;
    review_status?: string;
    trait_set?: { trait_name?: string }[];
  };
}

interface ESummary {
  result?: { uids?: string[] } & Record<string, ClinVarSummary | string[] | undefined>;
}

interface EInfo {
  einforesult?: { dbinfo?: { lastupdate?: string }[] | { lastupdate?: string } };
}

/** Counts of one gene's variations, folded one record at a time (see the classification rule). */
export class VariantTally {
  private readonly classes = Object.fromEntries(CLINVAR_CLASSES.map((c) => [c, 0])) as Record<
    ClinVarClass,
    number
  >;
  private readonly categories = Object.fromEntries(
    CONSEQUENCE_CATEGORIES.map((c) => [c, 0]),
  ) as Record<ConsequenceCategory, number>;
  private readonly stars = [0, 0, 0, 0, 0];
  private readonly types: Record<string, number> = {};
  private readonly traits = new Map<string, number>();
  private combined = 0;
  private total = 0;

  add(r: ClinVarSummary): void {
    const germline = r.germline_classification ?? {};
    const c = classifyGermline(germline.description);
    this.total += 1;
    this.classes[c.class] += 1;
    if (c.combined) {
      this.combined += 1;
    }
    this.stars[reviewStars(germline.review_status)] += 1;
    this.categories[consequenceCategory(r.molecular_consequence_list ?? [], r.title ?? '')] += 1;
    const type = r.obj_type || 'unknown';
    this.types[type] = (this.types[type] ?? 0) + 1;
    for (const t of new Set((germline.trait_set ?? []).map((x) => x.trait_name ?? ''))) {
      if (t && !UNINFORMATIVE_TRAITS.has(t.toLowerCase())) {
        this.traits.set(t, (this.traits.get(t) ?? 0) + 1);
      }
    }
  }

  result(symbol: string): Record<string, unknown> {
    const { classes, stars, total } = this;
    const plp = classes.pathogenic + classes.likely_pathogenic;
    const high = stars[2] + stars[3] + stars[4];
    const pct = (n: number) => (total > 0 ? Math.round((n / total) * 1000) / 10 : 0);
    return {
      gene_symbol: symbol,
      total_variants: total,
      pathogenic_count: classes.pathogenic,
      likely_pathogenic_count: classes.likely_pathogenic,
      vus_count: classes.vus,
      likely_benign_count: classes.likely_benign,
      benign_count: classes.benign,
      conflicting_count: classes.conflicting,
      not_provided_count: classes.not_provided,
      other_count: classes.other,
      combined_classes_count: this.combined,
      pathogenic_or_likely_pathogenic_count: plp,
      has_pathogenic: plp > 0,
      pathogenic_percentage: pct(plp),
      review_stars: Object.fromEntries(stars.map((n, i) => [String(i), n])),
      high_confidence_count: high,
      high_confidence_percentage: pct(high),
      consequence_categories: { ...this.categories },
      variant_types: { ...this.types },
      top_traits: [...this.traits.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, TOP_TRAITS)
        .map(([trait, count]) => ({ trait, count })),
      classification_rule:
        'conflicting counts as conflicting only; a combined class counts as its least certain member',
    };
  }
}

/**
 * ClinVar through E-utilities on the NCBI domain (sharing its rate limit with PubTator):
 * per gene, `esearch` for the variation ids (`<symbol>[gene]`, paged past 10,000), then
 * `esummary` for the chunk's ids together in batches of at most 500, counted per gene.
 * A gene without variations has no data. The version is ClinVar's last update (einfo).
 */
@Injectable()
export class ClinVarAnnotationSource extends AnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'clinvar',
    namespace: 'clinvar',
    displayName: 'ClinVar',
    description: 'Variant counts per gene by clinical significance (E-utilities)',
    url: 'https://www.ncbi.nlm.nih.gov/clinvar/',
    documentationUrl: 'https://www.ncbi.nlm.nih.gov/books/NBK25501/',
    mode: 'per-gene',
    // After HGNC, whose identifiers it queries by.
    runOrder: 10,
    settings: (config) => config.sources.annotations.clinvar,
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  private get base(): string {
    return this.upstream('clinvar', this.kit.config.sources.annotations.clinvar.url, '');
  }

  async version(): Promise<string> {
    const body = await this.json<EInfo>(`${this.base}/einfo.fcgi?db=clinvar&retmode=json`, {
      ttl: 3600,
      validate: (b) => (lastUpdate(b as EInfo) ? null : 'no einforesult.dbinfo lastupdate'),
    });
    // "2025/05/06 09:32" → 2025-05-06
    return lastUpdate(body)!.slice(0, 10).replace(/\//g, '-');
  }

  async annotate(genes: AnnotationGene[]): Promise<AnnotationOutcomes> {
    const outcomes: AnnotationOutcomes = new Map();
    /** Variation id → the genes of this chunk it belongs to. */
    const owners = new Map<string, number[]>();
    const tallies = new Map<number, { tally: VariantTally; ids: number; seen: number }>();
    // A chunk runs to its end; the runner checks for cancellation between chunks.
    await mapLimit(genes, this.kit.config.upstream.concurrency, async (gene) => {
      try {
        const ids = await this.variationIds(gene.symbol);
        if (ids.length === 0) {
          outcomes.set(gene.id, noData(`ClinVar has no variations for ${gene.symbol}`));
          return;
        }
        tallies.set(gene.id, { tally: new VariantTally(), ids: ids.length, seen: 0 });
        for (const id of ids) {
          owners.set(id, [...(owners.get(id) ?? []), gene.id]);
        }
      } catch (error) {
        outcomes.set(gene.id, failed(reasonOf(error)));
      }
    });
    // Records are folded into each gene's tally as their batch arrives, never all held.
    const batchFailures = await this.summaries(
      [...owners.keys()],
      (id, record) => {
        for (const geneId of owners.get(id) ?? []) {
          const entry = tallies.get(geneId)!;
          entry.tally.add(record);
          entry.seen += 1;
        }
      },
      owners,
    );
    for (const gene of genes) {
      const entry = tallies.get(gene.id);
      if (!entry || outcomes.has(gene.id)) {
        continue;
      }
      const problem = batchFailures.get(gene.id);
      outcomes.set(
        gene.id,
        problem
          ? failed(problem)
          : annotated({
              ...entry.tally.result(gene.symbol),
              missing_summaries: entry.ids - entry.seen,
            }),
      );
    }
    return outcomes;
  }

  /** Every variation id of `<symbol>[gene]`. */
  private async variationIds(symbol: string): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; ; start += ESEARCH_PAGE) {
      const term = encodeURIComponent(`${symbol}[gene]`);
      const body = await this.json<ESearch>(
        `${this.base}/esearch.fcgi?db=clinvar&term=${term}&retmax=${ESEARCH_PAGE}&retstart=${start}&retmode=json`,
        { validate: validESearch },
      );
      const page = body.esearchresult!.idlist!;
      ids.push(...page);
      const count = Number(body.esearchresult!.count ?? page.length);
      if (page.length < ESEARCH_PAGE || ids.length >= count) {
        return ids;
      }
    }
  }

  /**
   * Fetches esummary records in batches, handing each usable record to `take`; returns
   * gene id → reason for the genes with ids in a batch that failed.
   */
  private async summaries(
    ids: string[],
    take: (id: string, record: ClinVarSummary) => void,
    owners: Map<string, number[]>,
  ): Promise<Map<number, string>> {
    const failures = new Map<number, string>();
    const size = this.kit.config.sources.annotations.clinvar.batchSize;
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += size) {
      batches.push(ids.slice(i, i + size));
    }
    await mapLimit(batches, this.kit.config.upstream.concurrency, async (batch) => {
      let reason: string;
      try {
        // Large and read once per run: not cached.
        const body = await this.json<ESummary>(
          `${this.base}/esummary.fcgi?db=clinvar&id=${batch.join(',')}&retmode=json`,
          { ttl: 0, validate: validESummary },
        );
        for (const id of batch) {
          const record = body.result![id];
          if (record && !Array.isArray(record) && !record.error) {
            take(id, record);
          }
        }
        return;
      } catch (error) {
        reason = `esummary: ${reasonOf(error)}`;
      }
      for (const id of batch) {
        for (const g of owners.get(id) ?? []) {
          failures.set(g, reason);
        }
      }
    });
    return failures;
  }
}

function lastUpdate(body: EInfo): string | null {
  const info = body?.einforesult?.dbinfo;
  const entry = Array.isArray(info) ? info[0] : info;
  return typeof entry?.lastupdate === 'string' && /^\d{4}\/\d{2}\/\d{2}/.test(entry.lastupdate)
    ? entry.lastupdate
    : null;
}

function validESearch(b: unknown): string | null {
  const r = (b as ESearch)?.esearchresult;
  if (r?.ERROR) {
    return `esearch error: ${r.ERROR}`;
  }
  return Array.isArray(r?.idlist) ? null : 'no esearchresult.idlist';
}

function validESummary(b: unknown): string | null {
  return Array.isArray((b as ESummary)?.result?.uids) ? null : 'no result.uids list';
}
