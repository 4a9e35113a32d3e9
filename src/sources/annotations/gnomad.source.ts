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

/** The constraint release the GraphQL API serves for GRCh38. */
const GNOMAD_VERSION = 'v4.1';

const CONSTRAINT_FIELDS = [
  'pLI',
  'oe_lof',
  'oe_lof_lower',
  'oe_lof_upper',
  'lof_z',
  'mis_z',
  'syn_z',
  'oe_mis',
  'oe_mis_lower',
  'oe_mis_upper',
  'oe_syn',
  'oe_syn_lower',
  'oe_syn_upper',
  'obs_lof',
  'exp_lof',
  'obs_mis',
  'exp_mis',
  'obs_syn',
  'exp_syn',
] as const;

const GENE_FIELDS = `gene_id symbol canonical_transcript_id gnomad_constraint { ${CONSTRAINT_FIELDS.join(' ')} flags }`;

interface GnomadGene {
  gene_id?: string;
  symbol?: string;
  canonical_transcript_id?: string | null;
  gnomad_constraint?: (Record<string, unknown> & { flags?: string[] | null }) | null;
}

interface GraphQlAnswer {
  data?: Record<string, GnomadGene | null> | null;
  errors?: { message?: string; path?: (string | number)[] }[];
}

/** The stored constraint of one gene, or why the answer for it is unusable. */
export function gnomadOutcome(
  gene: AnnotationGene,
  answer: GnomadGene | null | undefined,
  error: string | undefined,
): AnnotationOutcome {
  if (!answer) {
    // `gene: null` with "not found" (or no error at all) is gnomAD knowing nothing of it.
    return !error || /not found|unknown gene/i.test(error)
      ? noData(`gnomAD has no gene ${gene.ensembl_gene_id ?? gene.symbol}`)
      : failed(`gnomAD: ${error}`);
  }
  const c = answer.gnomad_constraint;
  if (!c) {
    return noData(`gnomAD has no constraint for ${gene.symbol}`);
  }
  const constraint: Record<string, unknown> = {};
  for (const field of CONSTRAINT_FIELDS) {
    const value = c[field];
    if (value === null || value === undefined) {
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return failed(
        `gnomAD: ${field} of ${gene.symbol} is not a number (${JSON.stringify(value)})`,
      );
    }
    constraint[field === 'pLI' ? 'pli' : field] = value;
  }
  constraint.flags = Array.isArray(c.flags) ? c.flags : [];
  return annotated({
    gene_id: answer.gene_id,
    gene_symbol: answer.symbol,
    canonical_transcript_id: answer.canonical_transcript_id ?? null,
    reference_genome: 'GRCh38',
    constraint,
  });
}

/**
 * gnomAD constraint (pLI, LOEUF with bounds, z-scores, o/e for missense and synonymous)
 * over GraphQL: one POST per batch of genes, one aliased `gene` field each (by Ensembl
 * id when HGNC gave one, else by symbol, always as variables). A batch that fails
 * retries gene by gene; `gene: null` is no data.
 */
@Injectable()
export class GnomadAnnotationSource extends BatchedAnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'gnomad',
    namespace: 'gnomad',
    displayName: 'gnomAD',
    description: 'Gene constraint: pLI, LOEUF, z-scores and o/e ratios',
    url: 'https://gnomad.broadinstitute.org',
    documentationUrl: 'https://gnomad.broadinstitute.org/api',
    mode: 'per-gene',
    // After HGNC, whose identifiers it queries by.
    runOrder: 10,
    settings: (config) => config.sources.annotations.gnomad,
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  version(): Promise<string> {
    return Promise.resolve(GNOMAD_VERSION);
  }

  protected get batchSize(): number {
    return this.kit.config.sources.annotations.gnomad.batchSize;
  }

  protected async lookup(genes: AnnotationGene[]): Promise<AnnotationOutcomes> {
    const params: string[] = [];
    const fields: string[] = [];
    const variables: Record<string, string> = {};
    genes.forEach((g, i) => {
      const byId = g.ensembl_gene_id !== undefined;
      params.push(`$v${i}: String!`);
      fields.push(
        `g${i}: gene(${byId ? 'gene_id' : 'gene_symbol'}: $v${i}, reference_genome: GRCh38) { ${GENE_FIELDS} }`,
      );
      variables[`v${i}`] = byId ? g.ensembl_gene_id! : g.symbol;
    });
    const body = JSON.stringify({
      query: `query Constraint(${params.join(', ')}) { ${fields.join(' ')} }`,
      variables,
    });
    const url = this.upstream('gnomad', this.kit.config.sources.annotations.gnomad.url, '/api');
    const answer = await this.json<GraphQlAnswer>(url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json' },
      validate: (b) => {
        const data = (b as GraphQlAnswer)?.data;
        if (data && typeof data === 'object') {
          return null;
        }
        const message = (b as GraphQlAnswer)?.errors?.[0]?.message;
        return message ? `GraphQL error: ${message}` : 'no data object';
      },
    });
    const errors = new Map<string, string>();
    for (const e of answer.errors ?? []) {
      const alias = e.path?.[0];
      if (typeof alias === 'string') {
        errors.set(alias, e.message ?? 'error');
      }
    }
    return new Map(
      genes.map((g, i) => [g.id, gnomadOutcome(g, answer.data![`g${i}`], errors.get(`g${i}`))]),
    );
  }
}
