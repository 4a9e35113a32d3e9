import { group, int, sourceUrl } from '../../declare.js';

export const gnomadVariables = group({
  title: 'Source: gnomAD',
  doc: 'The gnomad constraint annotation.',
  variables: {
    GNOMAD_URL: sourceUrl({
      default: 'https://gnomad.broadinstitute.org/api',
      doc: 'gnomAD GraphQL endpoint for the `gnomad` constraint annotation',
    }),
    GNOMAD_BATCH_SIZE: int({
      default: 20,
      min: 1,
      max: 100,
      doc: 'genes per gnomAD GraphQL request; a failed batch is retried gene by gene',
    }),
  },
});
