import type { GeneSetTerm } from '../../genes/gene-sets/gene-sets.types.js';
import { UpstreamPayloadError } from '../upstream/upstream.errors.js';

export const REACTOME_SPECIES = 'Homo sapiens';
const NCBI_ID = /^\d+$/;
const STABLE_ID = /^R-[A-Z]{3}-\d+$/;

export interface ReactomeIndex {
  /** NCBI gene id → the ids of its pathways. */
  byNcbi: Map<string, Set<string>>;
  /** Pathway stable id → name. */
  pathways: Map<string, string>;
  rows: number;
  /** Rows of other species. */
  otherSpecies: number;
  malformed: number;
}

/**
 * NCBI2Reactome_All_Levels.txt (tab-separated, no header: NCBI gene id, pathway stable
 * id, URL, pathway name, evidence code, species), fed a batch of lines at a time. Only
 * `Homo sapiens` rows are kept; rows that are not six cells with a numeric gene id and a
 * stable id are counted as malformed. "All levels" lists every pathway above a gene's
 * lowest ones, so no propagation is needed.
 */
export class ReactomeIndexer {
  private readonly index: ReactomeIndex = {
    byNcbi: new Map(),
    pathways: new Map(),
    rows: 0,
    otherSpecies: 0,
    malformed: 0,
  };

  push(lines: readonly string[]): void {
    for (const line of lines) {
      if (line.trim()) {
        this.row(line.split('\t'));
      }
    }
  }

  finish(): ReactomeIndex {
    if (this.index.pathways.size === 0) {
      throw new UpstreamPayloadError(
        `Reactome NCBI2Reactome: no usable ${REACTOME_SPECIES} rows (${this.index.rows} rows, ${this.index.malformed} malformed)`,
      );
    }
    return this.index;
  }

  private row(cells: string[]): void {
    const index = this.index;
    index.rows += 1;
    const [gene, pathway, , name, , species] = cells.map((c) => c.trim());
    if (cells.length < 6 || !NCBI_ID.test(gene) || !STABLE_ID.test(pathway) || !name) {
      index.malformed += 1;
      return;
    }
    if (species !== REACTOME_SPECIES) {
      index.otherSpecies += 1;
      return;
    }
    index.pathways.set(pathway, name);
    let set = index.byNcbi.get(gene);
    if (!set) {
      index.byNcbi.set(gene, (set = new Set()));
    }
    set.add(pathway);
  }
}

/** The whole file at once (tests, small files). */
export function indexReactome(text: string): ReactomeIndex {
  const indexer = new ReactomeIndexer();
  indexer.push(text.split(/\r?\n/));
  return indexer.finish();
}

/** The stored Reactome annotation of a gene: its pathways (every level), by name. */
export function reactomeAnnotation(
  symbol: string,
  ncbiGeneId: string,
  pathways: ReadonlySet<string>,
  index: ReactomeIndex,
  version: string,
): Record<string, unknown> {
  const list = [...pathways]
    .map((id) => ({ id, name: index.pathways.get(id)! }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return {
    gene_symbol: symbol,
    ncbi_gene_id: ncbiGeneId,
    reactome_version: version,
    pathways: list,
    pathway_count: list.length,
  };
}

/** The Reactome library: every human pathway with the local genes (by NCBI id) in it. */
export function reactomeLibrary(
  index: ReactomeIndex,
  localGene: (ncbiGeneId: string) => number | undefined,
): GeneSetTerm[] {
  const genesOf = new Map<string, number[]>();
  for (const [ncbi, pathways] of index.byNcbi) {
    const id = localGene(ncbi);
    if (id === undefined) {
      continue;
    }
    for (const pathway of pathways) {
      const genes = genesOf.get(pathway);
      if (genes) {
        genes.push(id);
      } else {
        genesOf.set(pathway, [id]);
      }
    }
  }
  return [...index.pathways]
    .map(([id, name]) => ({ id, name, genes: genesOf.get(id) ?? [] }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
