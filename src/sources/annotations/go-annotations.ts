import { propagateTerms } from '../../genes/gene-sets/gene-sets.service.js';
import type { GeneSetTerm } from '../../genes/gene-sets/gene-sets.types.js';
import { obographRelease, OboHierarchy, parseObograph, PART_OF } from '../parsing/obographs.js';
import { UpstreamPayloadError } from '../upstream/upstream.errors.js';

/** GO's three aspects: the GAF's letter, the ontology namespace and the library name. */
export const GO_ASPECTS = [
  { letter: 'P', namespace: 'biological_process', library: 'GO_BP' },
  { letter: 'F', namespace: 'molecular_function', library: 'GO_MF' },
  { letter: 'C', namespace: 'cellular_component', library: 'GO_CC' },
] as const;
export type GoNamespace = (typeof GO_ASPECTS)[number]['namespace'];

const NAMESPACE_OF: Record<string, GoNamespace> = Object.fromEntries(
  GO_ASPECTS.map((a) => [a.letter, a.namespace]),
);
const GO_ID = /^GO:\d{7}$/;
/** GAF 2.2 has 17 columns; 2.1 files and trimmed rows may stop after Assigned By (15). */
const MIN_COLUMNS = 15;

/** One gene's direct GO terms (term → aspect and evidence codes) from the GAF. */
export interface GafGene {
  symbol: string;
  terms: Map<string, { namespace: GoNamespace; evidence: Set<string> }>;
}

export interface GafIndex {
  /** Upper-case DB Object Symbol → its terms. */
  bySymbol: Map<string, GafGene>;
  /** The `!gaf-version:` header value (2.2, 2.1). */
  gafVersion: string;
  /** The `!date-generated:` header value, when present. */
  generated: string | null;
  rows: number;
  /** Rows with a NOT qualifier: the gene is stated not to have the term. */
  negated: number;
  malformed: number;
}

/**
 * The GO annotation file (GAF 2.x, tab-separated, `!` comment lines) grouped per gene
 * symbol, fed a batch of lines at a time so the file is never held whole. Rows whose
 * qualifier carries NOT are skipped (and counted), as are rows that are not a GAF row;
 * a file without the `!gaf-version:` header is not a GAF and is refused.
 */
export class GafIndexer {
  private readonly index: GafIndex = {
    bySymbol: new Map(),
    gafVersion: '',
    generated: null,
    rows: 0,
    negated: 0,
    malformed: 0,
  };

  push(lines: readonly string[]): void {
    for (const line of lines) {
      if (line.startsWith('!')) {
        this.comment(line);
      } else if (line.trim()) {
        if (!this.index.gafVersion) {
          throw new UpstreamPayloadError(
            `GO annotations: a row before the "!gaf-version:" header, not a GAF file ("${line.slice(0, 80)}")`,
          );
        }
        this.row(line.split('\t'));
      }
    }
  }

  finish(): GafIndex {
    if (!this.index.gafVersion) {
      throw new UpstreamPayloadError('GO annotations: no "!gaf-version:" header, not a GAF file');
    }
    return this.index;
  }

  private comment(line: string): void {
    const header = /^!\s*(gaf-version|date-generated):\s*(\S.*?)\s*$/.exec(line);
    if (header?.[1] === 'gaf-version') {
      this.index.gafVersion = header[2];
    } else if (header?.[1] === 'date-generated') {
      this.index.generated = header[2];
    }
  }

  private row(cells: string[]): void {
    const index = this.index;
    index.rows += 1;
    const symbol = cells[2]?.trim() ?? '';
    const term = cells[4]?.trim() ?? '';
    const evidence = cells[6]?.trim() ?? '';
    const namespace = NAMESPACE_OF[cells[8]?.trim() ?? ''];
    if (cells.length < MIN_COLUMNS || !symbol || !GO_ID.test(term) || !evidence || !namespace) {
      index.malformed += 1;
      return;
    }
    if (cells[3].split('|').some((q) => q.trim().toUpperCase() === 'NOT')) {
      index.negated += 1;
      return;
    }
    const key = symbol.toUpperCase();
    let gene = index.bySymbol.get(key);
    if (!gene) {
      gene = { symbol, terms: new Map() };
      index.bySymbol.set(key, gene);
    }
    let annotation = gene.terms.get(term);
    if (!annotation) {
      annotation = { namespace, evidence: new Set() };
      gene.terms.set(term, annotation);
    }
    annotation.evidence.add(evidence);
  }
}

/** The whole file at once (tests, small files). */
export function indexGaf(text: string): GafIndex {
  const indexer = new GafIndexer();
  indexer.push(text.split(/\r?\n/));
  return indexer.finish();
}

/**
 * The GO ontology (go-basic obographs JSON): names and namespaces of the live terms and
 * the hierarchy over `is_a` and `part_of`, the relations the true-path rule follows.
 */
export class GoOntology extends OboHierarchy {
  readonly version: string;

  constructor(json: string) {
    const graph = parseObograph(json, 'GO ontology');
    super(graph, ['is_a', PART_OF]);
    this.version = obographRelease(graph) ?? 'unknown';
  }

  /** The ancestors of a term within its own namespace (go-basic keeps relations inside one). */
  ancestorsInNamespace(term: string): string[] {
    const namespace = this.namespace(term);
    return [...this.ancestors(term)].filter((t) => this.namespace(t) === namespace);
  }
}

/** The stored GO annotation of a gene: its direct terms per aspect, with evidence codes. */
export function goAnnotation(gene: GafGene, ontology: GoOntology): Record<string, unknown> {
  const data: Record<string, unknown> = { gene_symbol: gene.symbol, go_release: ontology.version };
  let total = 0;
  for (const { namespace } of GO_ASPECTS) {
    const terms = [...gene.terms]
      .filter(([, a]) => a.namespace === namespace)
      .map(([id, a]) => ({ id, name: ontology.name(id) ?? null, evidence: [...a.evidence].sort() }))
      .sort((a, b) => a.id.localeCompare(b.id));
    data[namespace] = terms;
    data[`${namespace}_count`] = terms.length;
    total += terms.length;
  }
  data.term_count = total;
  return data;
}

/**
 * The GO_BP, GO_MF and GO_CC libraries: for each local gene the GAF lists (by symbol),
 * its direct terms the ontology knows, propagated to every ancestor in the same
 * namespace (true-path rule); term names from the ontology.
 */
export function goLibraries(
  index: GafIndex,
  ontology: GoOntology,
  localGene: (symbol: string) => number | undefined,
): { library: string; terms: GeneSetTerm[] }[] {
  return GO_ASPECTS.map(({ namespace, library }) => {
    const direct = new Map<number, string[]>();
    for (const gene of index.bySymbol.values()) {
      const id = localGene(gene.symbol);
      if (id === undefined) {
        continue;
      }
      const terms = [...gene.terms]
        .filter(([t, a]) => a.namespace === namespace && ontology.namespace(t) === namespace)
        .map(([t]) => t);
      if (terms.length) {
        direct.set(id, [...(direct.get(id) ?? []), ...terms]);
      }
    }
    const genesOf = propagateTerms(direct, (t) => ontology.ancestorsInNamespace(t));
    const terms = [...genesOf]
      .map(([id, genes]) => ({ id, name: ontology.name(id) ?? id, genes: [...genes] }))
      .sort((a, b) => a.id.localeCompare(b.id));
    return { library, terms };
  });
}
