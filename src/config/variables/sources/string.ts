import { group, int, sourceUrl, text } from '../../declare.js';

export const stringVariables = group({
  title: 'Source: STRING',
  doc: 'Physical links between kidney genes (string_ppi), streamed from the bulk files of STRING_VERSION.',
  variables: {
    STRING_URL: sourceUrl({
      default: 'https://stringdb-downloads.org/download',
      doc: 'STRING bulk downloads for the `string_ppi` annotation (protein info and physical links, streamed)',
    }),
    STRING_VERSION: text({
      default: '12.0',
      valid: /^\d+\.\d+$/,
      format: 'must look like 12.0',
      doc: 'STRING release read (file names) and stored as the version',
    }),
    STRING_MIN_SCORE: int({
      default: 400,
      min: 0,
      max: 1000,
      doc: 'lowest `combined_score` (0–1000) of a physical link that counts',
    }),
  },
});
