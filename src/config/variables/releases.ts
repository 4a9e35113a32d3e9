import { group, int, text } from '../declare.js';

export const releaseVariables = group({
  title: 'Releases',
  doc: 'Published releases are cited by version; with ZENODO_API_TOKEN each publish also deposits the JSON export on Zenodo and stores the DOI it is given. Without a token no deposit is tried and the citation has no DOI.',
  variables: {
    RELEASE_CITATION_AUTHOR: text({
      default: 'Kidney Genetics DB contributors',
      minLength: 1,
      doc: 'the author (an organisation) named in citations, CITATION.cff and DataCite metadata',
    }),
    ZENODO_API_TOKEN: text({
      doc: 'personal access token with `deposit:write` and `deposit:actions`; unset = no DOI deposit',
    }),
    ZENODO_URL: text({
      default: 'https://sandbox.zenodo.org',
      valid: /^https?:\/\/[^\s?#]+$/,
      format: 'must be an http(s) URL without query or fragment',
      doc: 'Zenodo base URL; `https://zenodo.org` for real DOIs (the sandbox mints test DOIs)',
    }),
    ZENODO_COMMUNITY: text({ doc: 'Zenodo community identifier the deposit is submitted to' }),
    ZENODO_TIMEOUT_MS: int({
      default: 300_000,
      min: 1000,
      max: 3_600_000,
      doc: 'time limit of each Zenodo request, the file upload included',
    }),
  },
});
