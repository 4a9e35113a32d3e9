/** One term of a gene-set library: its id, name and the local gene ids annotated to it. */
export interface GeneSetTerm {
  id: string;
  name: string;
  genes: number[];
}

export interface GeneSetLibraryInfo {
  name: string;
  /** The annotation source that wrote it. */
  source: string;
  /** The upstream release it was built from. */
  version: string;
  termCount: number;
  /** Distinct genes in any term (the enrichment universe). */
  geneCount: number;
  loadedAt: Date;
}

/** A local gene with the identifiers gene-set files name genes by. */
export interface LocalGene {
  id: number;
  symbol: string;
  hgncId: string;
  ncbiGeneId: string | null;
}

/** Finds the local gene a gene-set file means, by NCBI gene id or by approved symbol. */
export interface LocalGeneMatcher {
  /** Local gene ids in the order given (duplicates and unknowns removed). */
  readonly size: number;
  byNcbi(ncbiGeneId: string): number | undefined;
  /** Case-insensitive approved symbol. */
  bySymbol(symbol: string): number | undefined;
}
