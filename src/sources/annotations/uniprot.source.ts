import { Injectable } from '@nestjs/common';

import { SourceToolkit } from '../base/source-toolkit.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcome,
  type AnnotationOutcomes,
  BatchedAnnotationSource,
  failed,
  noData,
} from './annotation-source.js';

/** UniProt accepts at most 100 OR-ed conditions per query. */
const BATCH = 100;
const FIELDS = [
  'accession',
  'id',
  'gene_primary',
  'protein_name',
  'length',
  'cc_function',
  'ft_domain',
  'ft_region',
  'ft_motif',
  'ft_transmem',
  'ft_signal',
  'xref_pfam',
].join(',');
const DOMAIN_TYPES = new Set(['Domain', 'Region', 'Motif', 'Transmembrane', 'Signal']);

export interface UniProtEntry {
  primaryAccession?: string;
  uniProtkbId?: string;
  proteinDescription?: { recommendedName?: { fullName?: { value?: string } } };
  genes?: { geneName?: { value?: string } }[];
  sequence?: { length?: number };
  comments?: { commentType?: string; texts?: { value?: string }[] }[];
  features?: {
    type?: string;
    description?: string;
    location?: { start?: { value?: number }; end?: { value?: number } };
  }[];
  uniProtKBCrossReferences?: {
    database?: string;
    id?: string;
    properties?: { key?: string; value?: string }[];
  }[];
}

interface SearchAnswer {
  results?: UniProtEntry[];
}

/** Lucene-escapes the characters UniProt's query parser treats specially in symbols. */
const escapeSymbol = (s: string) => s.replace(/([:()\\/])/g, '\\$1');

/** The stored protein annotation of an entry, or why it is unusable. */
export function uniprotOutcome(symbol: string, entry: UniProtEntry): AnnotationOutcome {
  if (typeof entry.primaryAccession !== 'string' || typeof entry.sequence?.length !== 'number') {
    return failed(`UniProt: entry for ${symbol} has no accession or sequence length`);
  }
  const domains = (entry.features ?? [])
    .filter((f) => DOMAIN_TYPES.has(f.type ?? ''))
    .map((f) => {
      const start = f.location?.start?.value ?? null;
      const end = f.location?.end?.value ?? null;
      return {
        type: f.type,
        description: f.description ?? null,
        start,
        end,
        length: start !== null && end !== null ? end - start + 1 : null,
      };
    });
  // Pfam cross-references carry the family's short name as the EntryName property.
  const pfamRefs = (entry.uniProtKBCrossReferences ?? [])
    .filter((x) => x.database === 'Pfam' && typeof x.id === 'string')
    .map((x) => {
      const prop = (key: string) => x.properties?.find((p) => p.key === key)?.value ?? null;
      return {
        id: x.id!,
        database: 'Pfam',
        entry_name: prop('EntryName'),
        match_status: prop('MatchStatus'),
      };
    });
  const fn = entry.comments?.find((c) => c.commentType === 'FUNCTION')?.texts?.[0]?.value;
  // Without a features list nothing is known about them: the flags are null, not false.
  const known = Array.isArray(entry.features);
  return annotated({
    accession: entry.primaryAccession,
    entry_name: entry.uniProtkbId ?? null,
    gene_symbol: symbol,
    protein_name: entry.proteinDescription?.recommendedName?.fullName?.value ?? null,
    length: entry.sequence.length,
    function: fn ?? null,
    domains,
    domain_count: domains.filter((d) => d.type === 'Domain').length,
    transmembrane_count: known ? domains.filter((d) => d.type === 'Transmembrane').length : null,
    has_transmembrane: known ? domains.some((d) => d.type === 'Transmembrane') : null,
    has_signal_peptide: known ? domains.some((d) => d.type === 'Signal') : null,
    pfam_refs: pfamRefs,
  });
}

/**
 * UniProtKB reviewed human entries: one search per batch of up to 100 gene symbols
 * (`gene_exact` OR-ed), matched back by primary gene name. A symbol without a reviewed
 * entry has no data; a batch that fails is retried gene by gene. The version is the
 * `X-UniProt-Release` header.
 */
@Injectable()
export class UniProtAnnotationSource extends BatchedAnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'uniprot',
    namespace: 'uniprot',
    displayName: 'UniProt',
    description: 'Reviewed UniProtKB entries of each gene',
    url: 'https://www.uniprot.org',
    documentationUrl: 'https://rest.uniprot.org',
    mode: 'per-gene',
    // After HGNC, whose identifiers it queries by.
    runOrder: 10,
    settings: (config) => ({ url: config.sources.annotations.uniprotUrl }),
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  private get base(): string {
    return this.upstream('uniprot', this.kit.config.sources.annotations.uniprotUrl, '');
  }

  async version(): Promise<string> {
    const headers = await this.responseHeaders(
      `${this.base}/uniprotkb/search?query=${encodeURIComponent('organism_id:9606')}&fields=accession&size=1&format=json`,
      ['x-uniprot-release'],
    );
    return headers['x-uniprot-release'] ?? 'unknown';
  }

  protected readonly batchSize = BATCH;

  protected async lookup(genes: AnnotationGene[]): Promise<AnnotationOutcomes> {
    const names = genes.map((g) => `gene_exact:${escapeSymbol(g.symbol)}`).join(' OR ');
    const query = `(${names}) AND (organism_id:9606) AND (reviewed:true)`;
    const body = await this.json<SearchAnswer>(
      `${this.base}/uniprotkb/search?query=${encodeURIComponent(query)}&fields=${FIELDS}&format=json&size=500`,
      { validate: (b) => (Array.isArray((b as SearchAnswer)?.results) ? null : 'no results list') },
    );
    const bySymbol = new Map<string, UniProtEntry>();
    for (const entry of body.results!) {
      const primary = entry.genes?.[0]?.geneName?.value?.toUpperCase();
      if (primary && !bySymbol.has(primary)) {
        bySymbol.set(primary, entry);
      }
    }
    return new Map(
      genes.map((g) => {
        const entry = bySymbol.get(g.symbol.toUpperCase());
        return [
          g.id,
          entry ? uniprotOutcome(g.symbol, entry) : noData(`UniProt has no reviewed ${g.symbol}`),
        ];
      }),
    );
  }
}
