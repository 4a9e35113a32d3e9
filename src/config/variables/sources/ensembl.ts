import { group, sourceUrl } from '../../declare.js';

export const ensemblVariables = group({
  title: 'Source: Ensembl',
  doc: 'The ensembl annotation.',
  variables: {
    ENSEMBL_URL: sourceUrl({
      default: 'https://rest.ensembl.org',
      doc: 'Ensembl REST API for the `ensembl` annotation (batch lookup by id)',
    }),
  },
});
