import { group, int, sourceUrl } from '../../declare.js';

export const clinvarVariables = group({
  title: 'Source: ClinVar',
  doc: 'The clinvar annotation, through E-utilities on the NCBI domain (it shares the ncbi.nlm.nih.gov rate limit).',
  variables: {
    CLINVAR_EUTILS_URL: sourceUrl({
      default: 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils',
      doc: 'E-utilities (esearch, esummary, einfo) for the `clinvar` annotation, at the shared NCBI rate limit',
    }),
    CLINVAR_BATCH_SIZE: int({
      default: 500,
      min: 1,
      max: 500,
      doc: 'ClinVar variation ids per esummary request (at most 500)',
    }),
  },
});
