import { group, sourceUrl, text } from '../../declare.js';

export const gtexVariables = group({
  title: 'Source: GTEx',
  doc: 'The gtex median-expression annotation.',
  variables: {
    GTEX_URL: sourceUrl({
      default: 'https://gtexportal.org/api/v2',
      doc: 'GTEx Portal API for the `gtex` median-expression annotation',
    }),
    GTEX_DATASET: text({
      default: 'gtex_v8',
      valid: /^gtex_v\d+$/,
      format: 'must look like gtex_v8',
      doc: 'GTEx dataset queried and stored as the version',
    }),
  },
});
