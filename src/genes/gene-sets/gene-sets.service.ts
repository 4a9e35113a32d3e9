import { Injectable } from '@nestjs/common';

import { GeneSetsRepository } from './gene-sets.repository.js';
import type { GeneSetLibraryInfo, GeneSetTerm, LocalGeneMatcher } from './gene-sets.types.js';

/**
 * Gene-set libraries for local enrichment. Annotation sources write them when they read
 * their upstream files (a library is replaced whole, in one transaction); the network
 * module reads them. Term gene sets hold local gene ids, ancestors already propagated
 * (true-path rule) by the writer.
 */
@Injectable()
export class GeneSetsService {
  constructor(private readonly repository: GeneSetsRepository) {}

  /** Replaces library `name` with `terms` (terms without local genes are dropped). */
  replaceLibrary(
    library: { name: string; source: string; version: string },
    terms: readonly GeneSetTerm[],
  ): Promise<{ terms: number; genes: number }> {
    return this.repository.replace(library, terms);
  }

  libraries(): Promise<GeneSetLibraryInfo[]> {
    return this.repository.libraries();
  }

  async library(name: string): Promise<GeneSetLibraryInfo | null> {
    return (await this.repository.libraries(name))[0] ?? null;
  }

  terms(name: string): Promise<GeneSetTerm[]> {
    return this.repository.terms(name);
  }

  /** Maps gene names and NCBI ids of upstream files to local gene ids. */
  async matcher(): Promise<LocalGeneMatcher> {
    const genes = await this.repository.localGenes();
    const byNcbi = new Map<string, number>();
    const bySymbol = new Map<string, number>();
    for (const g of genes) {
      if (g.ncbiGeneId) {
        byNcbi.set(g.ncbiGeneId, g.id);
      }
      bySymbol.set(g.symbol.toUpperCase(), g.id);
    }
    return {
      size: genes.length,
      byNcbi: (id) => byNcbi.get(id),
      bySymbol: (symbol) => bySymbol.get(symbol.toUpperCase()),
    };
  }
}

/**
 * Term → genes from gene → directly annotated terms, each term also counting for every
 * ancestor (`ancestors(term)` excludes the term itself): the true-path rule.
 */
export function propagateTerms(
  direct: ReadonlyMap<number, Iterable<string>>,
  ancestors: (term: string) => Iterable<string>,
): Map<string, Set<number>> {
  const closure = new Map<string, string[]>();
  const closed = (term: string) => {
    let all = closure.get(term);
    if (!all) {
      all = [term, ...ancestors(term)];
      closure.set(term, all);
    }
    return all;
  };
  const genesOf = new Map<string, Set<number>>();
  for (const [gene, terms] of direct) {
    for (const term of terms) {
      for (const t of closed(term)) {
        let set = genesOf.get(t);
        if (!set) {
          genesOf.set(t, (set = new Set()));
        }
        set.add(gene);
      }
    }
  }
  return genesOf;
}
