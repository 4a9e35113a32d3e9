/**
 * Built-in TTLs (seconds) per namespace; CACHE_NAMESPACE_TTLS overrides any of them and
 * CACHE_DEFAULT_TTL_SECONDS covers the rest. Upstream data changes slowly, API
 * aggregates quickly.
 */
export const DEFAULT_NAMESPACE_TTLS: Readonly<Record<string, number>> = {
  hgnc: 86_400,
  panelapp: 21_600,
  clingen: 86_400,
  gencc: 43_200,
  hpo: 604_800,
  pubtator: 604_800,
  clinvar: 604_800,
  gnomad: 2_592_000,
  gtex: 2_592_000,
  ensembl: 2_592_000,
  uniprot: 2_592_000,
  string: 2_592_000,
  mgi: 2_592_000,
  http: 3_600,
  files: 86_400,
  annotations: 3_600,
  genes: 300,
  'genes-meta': 300,
  statistics: 300,
  network: 3_600,
  default: 3_600,
};

export const NAMESPACE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
