import type { KidneyGene } from '../../genes/annotations/annotation-store.service.js';

export type MappedBy = 'symbol' | 'previous_symbol' | 'alias';

/** A gene's STRING proteins and which of the gene's names matched their preferred name. */
export interface GeneProteins {
  proteins: string[];
  mappedBy: MappedBy;
}

const round = (x: number, dp: number) => Math.round(x * 10 ** dp) / 10 ** dp;

/**
 * Maps STRING proteins to kidney genes by `preferred_name`, case-insensitively: the
 * approved symbol first; then, for genes no protein names by symbol, a previous symbol,
 * then an alias, each only when it belongs to exactly one kidney gene and is no gene's
 * approved symbol (an alias shared with another gene's symbol names that other gene).
 * Isoforms and duplicates (several proteins, one name) all map to the gene.
 */
export class ProteinIndex {
  private readonly bySymbol = new Map<string, number>();
  private readonly byPrevious = new Map<string, number[]>();
  private readonly byAlias = new Map<string, number[]>();
  private readonly hits = new Map<number, Record<MappedBy, string[]>>();

  constructor(genes: readonly KidneyGene[], approvedElsewhere: ReadonlySet<string>) {
    for (const g of genes) {
      this.bySymbol.set(g.symbol.toUpperCase(), g.id);
    }
    const add = (index: Map<string, number[]>, name: string, id: number) => {
      if (this.bySymbol.has(name) || approvedElsewhere.has(name)) {
        return;
      }
      const ids = index.get(name) ?? [];
      if (!ids.includes(id)) {
        ids.push(id);
      }
      index.set(name, ids);
    };
    for (const g of genes) {
      for (const name of g.previous_symbols) {
        add(this.byPrevious, name, g.id);
      }
      for (const name of g.aliases) {
        add(this.byAlias, name, g.id);
      }
    }
  }

  /** Upper-case previous symbols and aliases of kidney genes (to ask which are taken). */
  static otherNames(genes: readonly KidneyGene[]): string[] {
    return [...new Set(genes.flatMap((g) => [...g.previous_symbols, ...g.aliases]))];
  }

  /** One line of the info file: a protein and its preferred name. */
  offer(protein: string, preferredName: string): void {
    const name = preferredName.toUpperCase();
    const symbolOf = this.bySymbol.get(name);
    const hit = (id: number, kind: MappedBy) => {
      const h = this.hits.get(id) ?? { symbol: [], previous_symbol: [], alias: [] };
      h[kind].push(protein);
      this.hits.set(id, h);
    };
    if (symbolOf !== undefined) {
      return hit(symbolOf, 'symbol');
    }
    const previous = this.byPrevious.get(name);
    if (previous?.length === 1) {
      return hit(previous[0], 'previous_symbol');
    }
    const alias = this.byAlias.get(name);
    if (alias?.length === 1) {
      hit(alias[0], 'alias');
    }
  }

  /** Gene id → its proteins, by the best kind of name that matched. */
  resolve(): Map<number, GeneProteins> {
    const genes = new Map<number, GeneProteins>();
    for (const [id, h] of this.hits) {
      const kind = (['symbol', 'previous_symbol', 'alias'] as const).find((k) => h[k].length > 0)!;
      genes.set(id, { proteins: [...new Set(h[kind])].sort(), mappedBy: kind });
    }
    return genes;
  }
}

/**
 * The kidney-gene interaction network read from the links file: per pair of distinct
 * kidney genes the highest combined_score over their proteins (isoforms), kept in both
 * directions whatever direction the file lists.
 */
export class PartnerScores {
  readonly partners = new Map<number, Map<number, number>>();
  private readonly geneOf: Map<string, number>;

  constructor(genes: ReadonlyMap<number, GeneProteins>) {
    this.geneOf = new Map();
    for (const [id, { proteins }] of genes) {
      for (const p of proteins) {
        this.geneOf.set(p, id);
      }
    }
  }

  /** The gene of a protein, if it is a kidney gene's. */
  gene(protein: string): number | undefined {
    return this.geneOf.get(protein);
  }

  add(a: number, b: number, score: number): void {
    if (a === b) {
      return;
    }
    this.keepMax(a, b, score);
    this.keepMax(b, a, score);
  }

  private keepMax(a: number, b: number, score: number): void {
    let row = this.partners.get(a);
    if (!row) {
      this.partners.set(a, (row = new Map<number, number>()));
    }
    if ((row.get(b) ?? -1) < score) {
      row.set(b, score);
    }
  }
}

export interface Interaction {
  partner_symbol: string;
  partner_gene_id: number;
  string_score: number;
  partner_evidence: number;
  weighted_score: number;
}

/**
 * The stored annotation of every kidney gene with a STRING protein. Per partner:
 * weighted_score = string_score / 1000 × the partner's evidence percentage score;
 * ppi_score = Σ weighted / √degree (0 without partners), degree = distinct kidney
 * partners. Every interaction is kept, strongest weighted first (ties: higher STRING
 * score, then symbol). ppi_percentile is the percent rank of ppi_score among these genes,
 * as SQL PERCENT_RANK: (genes with a lower score) / (genes − 1), equal scores equal ranks,
 * 0 for a lone gene.
 */
export function buildAnnotations(
  kidney: readonly KidneyGene[],
  proteins: ReadonlyMap<number, GeneProteins>,
  scores: PartnerScores,
  meta: { version: string; minScore: number },
): Map<number, Record<string, unknown>> {
  const byId = new Map(kidney.map((g) => [g.id, g]));
  const computed: { id: number; ppi: number; data: Record<string, unknown> }[] = [];
  for (const [id, mapped] of proteins) {
    const interactions: Interaction[] = [];
    let weightedSum = 0;
    for (const [partnerId, score] of scores.partners.get(id) ?? []) {
      const partner = byId.get(partnerId)!;
      const weighted = (score / 1000) * partner.percentage_score;
      weightedSum += weighted;
      interactions.push({
        partner_symbol: partner.symbol,
        partner_gene_id: partnerId,
        string_score: score,
        partner_evidence: round(partner.percentage_score, 4),
        weighted_score: round(weighted, 4),
      });
    }
    interactions.sort(
      (a, b) =>
        b.weighted_score - a.weighted_score ||
        b.string_score - a.string_score ||
        a.partner_symbol.localeCompare(b.partner_symbol),
    );
    const degree = interactions.length;
    const ppi = degree > 0 ? round(weightedSum / Math.sqrt(degree), 4) : 0;
    computed.push({
      id,
      ppi,
      data: {
        string_version: meta.version,
        min_score: meta.minScore,
        string_proteins: mapped.proteins,
        mapped_by: mapped.mappedBy,
        ppi_score: ppi,
        ppi_degree: degree,
        interactions,
        summary: {
          total_interactions: degree,
          weighted_sum: round(weightedSum, 4),
          avg_string_score:
            degree > 0
              ? round(interactions.reduce((s, i) => s + i.string_score, 0) / degree, 1)
              : 0,
          strong_interactions: interactions.filter((i) => i.string_score > 800).length,
        },
      },
    });
  }
  const sorted = computed.map((c) => c.ppi).sort((a, b) => a - b);
  const lowerCount = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
  const n = computed.length;
  return new Map(
    computed.map((c) => [
      c.id,
      { ...c.data, ppi_percentile: n > 1 ? round(lowerCount(c.ppi) / (n - 1), 4) : 0 },
    ]),
  );
}
