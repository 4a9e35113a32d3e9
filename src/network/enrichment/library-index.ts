import type { GeneSetTerm } from '../../genes/gene-sets/gene-sets.types.js';
import { benjaminiHochberg, fisherGreater, oddsRatio, type TwoByTwo } from './fisher.js';

/** One enriched term as the client's EnrichmentTable reads it. */
export interface EnrichmentResult {
  term_id: string;
  term_name: string;
  p_value: number;
  fdr: number;
  /** Query genes annotated to the term (the overlap a). */
  gene_count: number;
  /** Query genes in the universe (|C|): the table's first row total. */
  cluster_size: number;
  /** Universe genes annotated to the term (|T|). */
  background_count: number;
  /** Symbols of the overlap, sorted. */
  genes: string[];
  /** −log10(fdr); 100 when fdr is 0. */
  enrichment_score: number;
  odds_ratio: number;
}

export interface EnrichmentOptions {
  /** Restricts the universe (default: every gene of the library). */
  background: readonly number[] | null;
  minOverlap: number;
  fdrThreshold: number;
  maxResults: number;
  symbolOf: (geneId: number) => string;
}

export interface Enrichment {
  results: EnrichmentResult[];
  /** Terms with fdr < threshold, before the cap. */
  significant: number;
  /** Terms with overlap ≥ minOverlap: the family BH corrects over. */
  tested: number;
  /** N: genes of the library (within the background, if given). */
  universe: number;
  /** |C|: distinct query genes in the universe. */
  queryInUniverse: number;
  /** Distinct query genes outside the universe (no annotation in this library). */
  queryOutsideUniverse: number;
}

const SCORE_CAP = 100;

/**
 * A gene-set library held for enrichment: term gene sets plus the inverted index gene →
 * terms, so a query only visits the terms its genes are annotated to.
 */
export class LibraryIndex {
  private readonly termsOf = new Map<number, number[]>();
  readonly universe: ReadonlySet<number>;

  constructor(readonly terms: readonly GeneSetTerm[]) {
    const universe = new Set<number>();
    terms.forEach((term, t) => {
      for (const gene of term.genes) {
        universe.add(gene);
        let list = this.termsOf.get(gene);
        if (!list) {
          this.termsOf.set(gene, (list = []));
        }
        list.push(t);
      }
    });
    this.universe = universe;
  }

  /**
   * One-sided Fisher exact test per term with overlap ≥ minOverlap, in a universe of
   * genes annotated in this library (so every query gene counted in |C| could have been
   * in any term), Benjamini–Hochberg over the tested terms; results with fdr below the
   * threshold, by fdr, then p, then term id, capped at maxResults.
   */
  enrich(query: readonly number[], options: EnrichmentOptions): Enrichment {
    const background = options.background ? new Set(options.background) : null;
    const inUniverse = (g: number) => this.universe.has(g) && (!background || background.has(g));
    const distinct = [...new Set(query)];
    const C = distinct.filter(inUniverse);
    const N = background
      ? [...background].filter((g) => this.universe.has(g)).length
      : this.universe.size;
    const overlaps = new Map<number, number[]>();
    for (const gene of C) {
      for (const t of this.termsOf.get(gene) ?? []) {
        let genes = overlaps.get(t);
        if (!genes) {
          overlaps.set(t, (genes = []));
        }
        genes.push(gene);
      }
    }
    const tested: { t: number; genes: number[]; table: TwoByTwo; p: number }[] = [];
    for (const [t, genes] of overlaps) {
      if (genes.length < options.minOverlap) {
        continue;
      }
      const termGenes = this.terms[t].genes;
      const K = background ? termGenes.filter(inUniverse).length : termGenes.length;
      const a = genes.length;
      const table = { a, b: C.length - a, c: K - a, d: N - K - (C.length - a) };
      tested.push({ t, genes, table, p: fisherGreater(table) });
    }
    const fdr = benjaminiHochberg(tested.map((x) => x.p));
    const significant = tested
      .map((x, i) => ({ ...x, fdr: fdr[i] }))
      .filter((x) => x.fdr < options.fdrThreshold)
      .sort(
        (x, y) => x.fdr - y.fdr || x.p - y.p || (this.terms[x.t].id < this.terms[y.t].id ? -1 : 1),
      );
    const results = significant.slice(0, options.maxResults).map((x) => {
      const term = this.terms[x.t];
      return {
        term_id: term.id,
        term_name: term.name,
        p_value: x.p,
        fdr: x.fdr,
        gene_count: x.table.a,
        cluster_size: C.length,
        background_count: x.table.a + x.table.c,
        genes: x.genes.map(options.symbolOf).sort(),
        enrichment_score: x.fdr > 0 ? -Math.log10(x.fdr) : SCORE_CAP,
        odds_ratio: oddsRatio(x.table),
      };
    });
    return {
      results,
      significant: significant.length,
      tested: tested.length,
      universe: N,
      queryInUniverse: C.length,
      queryOutsideUniverse: distinct.length - C.length,
    };
  }
}
