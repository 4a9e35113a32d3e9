import { group, int } from '../declare.js';

export const networkVariables = group({
  title: 'Network analysis',
  doc: 'Protein-interaction networks are built from the stored STRING annotation; enrichment is computed locally against the gene-set libraries the HPO, GO and Reactome annotation sources write (one-sided Fisher exact test, Benjamini–Hochberg over the tested terms).',
  variables: {
    NETWORK_ENRICHMENT_MIN_OVERLAP: int({
      default: 2,
      min: 1,
      max: 50,
      doc: 'a term is tested only when at least this many query genes are annotated to it',
    }),
    NETWORK_ENRICHMENT_MAX_RESULTS: int({
      default: 100,
      min: 1,
      max: 1000,
      doc: 'most significant terms returned per enrichment (total_terms still counts all)',
    }),
    NETWORK_CLUSTER_TIMEOUT_MS: int({
      default: 60_000,
      min: 1,
      max: 600_000,
      doc: 'a clustering (run in a worker thread, one at a time) stopped after this long answers 422 NETWORK_TOO_LARGE; Walktrap on 2,000 genes and 60,000 interactions takes about 6 s',
    }),
  },
});
