import { group, sourceUrl } from '../../declare.js';

export const genccVariables = group({
  title: 'Source: GenCC',
  doc: 'The submissions download (TSV or CSV, legacy or new layout); KIDNEY_KEYWORDS picks its kidney diseases.',
  variables: {
    GENCC_URL: sourceUrl({
      shortDefault: 'GenCC submissions TSV',
      default: 'https://search.thegencc.org/download/action/submissions-export-tsv',
      doc: 'where the GenCC source downloads from',
    }),
  },
});
