/**
 * The per-source counters the original Data sources page and Home cards show under
 * `sources[].stats.metadata`, each read from the evidence this service stores:
 * `distinct` counts distinct array elements of an evidence_data field over the source's
 * genes, `sum` adds up array lengths, `keys` counts distinct object keys.
 */
export interface MetadataCounter {
  source: string;
  key: string;
  field: string;
  mode: 'distinct' | 'sum' | 'keys';
}

export const DATASOURCE_METADATA: readonly MetadataCounter[] = [
  { source: 'ClinGen', key: 'expert_panels', field: 'expert_panels', mode: 'distinct' },
  { source: 'ClinGen', key: 'classifications', field: 'classifications', mode: 'distinct' },
  { source: 'GenCC', key: 'submissions', field: 'submissions', mode: 'sum' },
  { source: 'GenCC', key: 'submitters', field: 'submitters', mode: 'distinct' },
  { source: 'HPO', key: 'phenotype_terms', field: 'hpo_terms', mode: 'distinct' },
  { source: 'PubTator', key: 'publications', field: 'pmids', mode: 'distinct' },
  { source: 'PanelApp', key: 'panels', field: 'panels', mode: 'distinct' },
  { source: 'PanelApp', key: 'regions', field: 'regions', mode: 'distinct' },
  { source: 'DiagnosticPanels', key: 'providers', field: 'panels_by_provider', mode: 'keys' },
  { source: 'DiagnosticPanels', key: 'panels', field: 'panels', mode: 'distinct' },
];

/** The tooltips of the original Home page and Data sources page. */
export const DATASOURCE_EXPLANATIONS = {
  active_sources: 'Evidence sources that hold evidence for at least one gene',
  unique_genes: 'Distinct genes with evidence from at least one source',
  source_coverage: 'Evidence records per gene, relative to the number of sources',
  last_updated: 'When evidence was last written by any source',
  expert_panels: 'Distinct ClinGen expert panels that curated these genes',
  classifications: 'Distinct ClinGen gene-disease validity classifications',
  submissions: 'GenCC submissions for these genes',
  submitters: 'Distinct GenCC submitters',
  phenotypes: 'Distinct HPO phenotype terms linked to these genes',
  publications: 'Distinct PubMed articles found by PubTator',
  panels: 'Distinct gene panels listing these genes',
  regions: 'PanelApp instances (UK, Australia)',
  providers: 'Diagnostic laboratories whose panels were uploaded',
} as const;
