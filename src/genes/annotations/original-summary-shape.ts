import type { GeneAnnotationSummaryResponse } from '../dto/gene.response.js';

const CONSTRAINT_KEYS = [
  'pli',
  'oe_lof',
  'oe_lof_upper',
  'oe_lof_lower',
  'lof_z',
  'mis_z',
  'syn_z',
  'oe_mis',
  'oe_syn',
] as const;

/**
 * Our per-gene summary as the original's summary path answered it (the MCP sidecar reads
 * `symbol`, `hgnc_id`, `identifiers{…}` and `constraint_scores{…}` at the top level); our
 * own fields stay beside them.
 */
export function originalSummary(data: unknown): unknown {
  const ours = data as GeneAnnotationSummaryResponse;
  const summary = ours.summary ?? {};
  const mane = summary.mane_select as { ensembl_transcript_id?: unknown } | null | undefined;
  return {
    ...ours,
    symbol: ours.gene_symbol,
    hgnc_id: summary.hgnc_id ?? null,
    identifiers: {
      ncbi_gene_id: summary.ncbi_gene_id ?? null,
      ensembl_gene_id: summary.ensembl_gene_id ?? null,
      mane_select_transcript: mane?.ensembl_transcript_id ?? null,
    },
    constraint_scores: Object.fromEntries(CONSTRAINT_KEYS.map((k) => [k, summary[k] ?? null])),
  };
}
