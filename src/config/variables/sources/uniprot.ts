import { group, sourceUrl } from '../../declare.js';

export const uniprotVariables = group({
  title: 'Source: UniProt',
  doc: 'The uniprot annotation.',
  variables: {
    UNIPROT_URL: sourceUrl({
      default: 'https://rest.uniprot.org',
      doc: 'UniProt REST API for the `uniprot` annotation',
    }),
  },
});
