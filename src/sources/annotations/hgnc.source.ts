import { Injectable } from '@nestjs/common';

import { SourceToolkit } from '../base/source-toolkit.js';
import type { SourceRunContext } from '../base/upstream-source.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcome,
  type AnnotationOutcomes,
  AnnotationSource,
  failed,
  noData,
  PerRun,
} from './annotation-source.js';

/** An HGNC doc as in the complete set and the REST `fetch` answer (fields used here). */
export interface HgncDoc {
  hgnc_id?: string;
  symbol?: string;
  name?: string;
  status?: string;
  locus_group?: string;
  locus_type?: string;
  location?: string;
  alias_symbol?: string[];
  prev_symbol?: string[];
  entrez_id?: string;
  ensembl_gene_id?: string;
  uniprot_ids?: string[];
  mane_select?: string[];
  omim_id?: string[];
  refseq_accession?: string[];
  date_modified?: string;
}

interface HgncEnvelope {
  response?: { numFound?: number; docs?: HgncDoc[] };
}

const COMPLETE_SET_PATH = '/public-download-files/hgnc/json/json/hgnc_complete_set.json';

const hasDocs = (b: unknown): string | null =>
  Array.isArray((b as HgncEnvelope)?.response?.docs) ? null : 'no response.docs list';

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0) : [];

/**
 * The stored HGNC annotation of a doc, or why the doc is unusable. `mane_select` is
 * split into its Ensembl (ENST) and RefSeq (NM_/NR_) transcripts; empty values are dropped.
 */
export function hgncAnnotation(
  doc: HgncDoc,
): { data: Record<string, unknown> } | { error: string } {
  if (typeof doc.symbol !== 'string' || !/^HGNC:\d+$/.test(doc.hgnc_id ?? '')) {
    return { error: `HGNC doc ${doc.hgnc_id ?? '?'} has no symbol or no valid hgnc_id` };
  }
  const mane = list(doc.mane_select);
  const data: Record<string, unknown> = {
    hgnc_id: doc.hgnc_id,
    symbol: doc.symbol,
    name: doc.name,
    status: doc.status,
    locus_group: doc.locus_group,
    locus_type: doc.locus_type,
    location: doc.location,
    ncbi_gene_id: doc.entrez_id !== undefined ? String(doc.entrez_id) : undefined,
    ensembl_gene_id: doc.ensembl_gene_id,
    mane_select:
      mane.length > 0
        ? {
            ensembl_transcript_id: mane.find((t) => t.startsWith('ENST')) ?? null,
            refseq_transcript_id: mane.find((t) => /^N[MR]_/.test(t)) ?? null,
          }
        : undefined,
    uniprot_ids: list(doc.uniprot_ids),
    alias_symbol: list(doc.alias_symbol),
    prev_symbol: list(doc.prev_symbol),
    omim_ids: list(doc.omim_id),
    refseq_accession: list(doc.refseq_accession),
    date_modified: doc.date_modified,
  };
  return {
    data: Object.fromEntries(
      Object.entries(data).filter(([, v]) => v !== undefined && v !== null && v !== ''),
    ),
  };
}

/**
 * HGNC identifiers (NCBI, Ensembl, MANE select, UniProt), aliases, previous symbols,
 * locus type and name: bulk from the complete set (read once per run, indexed by
 * hgnc_id, only the fields kept), REST `fetch/hgnc_id` for genes the set lacks. The
 * version is the newest `date_modified` in the set.
 */
@Injectable()
export class HgncAnnotationSource extends AnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'hgnc',
    namespace: 'hgnc',
    displayName: 'HGNC',
    description: 'Identifiers (NCBI, Ensembl, MANE, UniProt), aliases and previous symbols',
    url: 'https://www.genenames.org',
    documentationUrl: 'https://www.genenames.org/help/rest/',
    mode: 'bulk',
    // Its identifiers are what the other annotation sources query by: it runs first.
    runOrder: 0,
    settings: (config) => ({ url: config.sources.annotations.hgncCompleteSetUrl }),
  };
  private readonly completeSet = new PerRun<{ version: string; docs: Map<string, HgncDoc> }>();

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  async version(ctx: SourceRunContext): Promise<string> {
    return (await this.load(ctx)).version;
  }

  async annotate(genes: AnnotationGene[], ctx: SourceRunContext): Promise<AnnotationOutcomes> {
    const { docs } = await this.load(ctx);
    const outcomes: AnnotationOutcomes = new Map();
    for (const gene of genes) {
      const doc = docs.get(gene.hgnc_id);
      if (doc) {
        outcomes.set(gene.id, this.outcome(doc));
      }
    }
    return outcomes;
  }

  override async annotateOne(gene: AnnotationGene): Promise<AnnotationOutcome> {
    const base = this.upstream('hgnc', this.kit.config.sources.hgnc.url, '');
    const body = await this.json<HgncEnvelope>(
      `${base}/fetch/hgnc_id/${encodeURIComponent(gene.hgnc_id)}`,
      { validate: hasDocs },
    );
    const doc = body.response!.docs!.find((d) => d.hgnc_id === gene.hgnc_id);
    return doc ? this.outcome(doc) : noData(`HGNC has no ${gene.hgnc_id}`);
  }

  override finish(): void {
    this.completeSet.release();
  }

  private outcome(doc: HgncDoc): AnnotationOutcome {
    const result = hgncAnnotation(doc);
    return 'error' in result ? failed(result.error) : annotated(result.data);
  }

  private load(ctx: SourceRunContext) {
    return this.completeSet.get(ctx.runId, async () => {
      const url = this.upstream(
        'hgnc-files',
        this.kit.config.sources.annotations.hgncCompleteSetUrl,
        COMPLETE_SET_PATH,
      );
      ctx.progress({ current: 'HGNC complete set' });
      // Tens of MB: never cached, parsed once, and only the kept fields stay indexed.
      const text = await this.text(url, { ttl: 0 });
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error('HGNC complete set is not JSON');
      }
      const problem = hasDocs(parsed);
      if (problem) {
        throw new Error(`HGNC complete set: ${problem}`);
      }
      const docs = new Map<string, HgncDoc>();
      let newest = '';
      for (const doc of (parsed as HgncEnvelope).response!.docs!) {
        if (typeof doc?.hgnc_id !== 'string') {
          continue;
        }
        docs.set(doc.hgnc_id, pickDoc(doc));
        if (typeof doc.date_modified === 'string' && doc.date_modified > newest) {
          newest = doc.date_modified;
        }
      }
      return { version: newest ? newest.slice(0, 10) : 'unknown', docs };
    });
  }
}

/** Only the fields the annotation keeps, so the index of ~45,000 docs stays small. */
function pickDoc(doc: HgncDoc): HgncDoc {
  const { hgnc_id, symbol, name, status, locus_group, locus_type, location, entrez_id } = doc;
  const { ensembl_gene_id, uniprot_ids, mane_select, omim_id, refseq_accession } = doc;
  const { alias_symbol, prev_symbol, date_modified } = doc;
  return {
    hgnc_id,
    symbol,
    name,
    status,
    locus_group,
    locus_type,
    location,
    entrez_id,
    ensembl_gene_id,
    uniprot_ids,
    mane_select,
    omim_id,
    refseq_accession,
    alias_symbol,
    prev_symbol,
    date_modified,
  };
}
