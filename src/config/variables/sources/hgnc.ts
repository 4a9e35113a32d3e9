import { bool, group, int, sourceUrl } from '../../declare.js';

export const hgncVariables = group({
  title: 'Source: HGNC',
  doc: 'Symbols no local gene answers to are looked up at the REST API (approved symbols in batches, then previous symbols and aliases) before being staged; the complete set is the bulk source of the hgnc annotation.',
  variables: {
    HGNC_URL: sourceUrl({
      default: 'https://rest.genenames.org',
      doc: 'HGNC REST API used to resolve symbols that no local gene answers to',
    }),
    HGNC_NORMALIZE: bool({
      default: true,
      doc: 'look unresolved symbols up at HGNC (approved, then previous symbols, then aliases) before staging them',
    }),
    HGNC_BATCH_SIZE: int({
      default: 150,
      min: 1,
      max: 500,
      doc: 'approved symbols per HGNC search request',
    }),
    HGNC_COMPLETE_SET_URL: sourceUrl({
      shortDefault: 'HGNC complete set JSON (GCS bucket)',
      default:
        'https://storage.googleapis.com/public-download-files/hgnc/json/json/hgnc_complete_set.json',
      doc: 'bulk download of the `hgnc` annotation; genes it misses fall back to `HGNC_URL` `/fetch/hgnc_id/`',
    }),
  },
});
