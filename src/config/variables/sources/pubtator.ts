import { group, int, oneOf, sourceUrl, text } from '../../declare.js';

export const pubtatorVariables = group({
  title: 'Source: PubTator',
  doc: 'Search pages (10 articles each) at the shared NCBI rate limit; the checkpoint advances every PUBTATOR_PAGES_PER_BATCH pages and is cleared when a run completes.',
  variables: {
    PUBTATOR_URL: sourceUrl({
      default: 'https://www.ncbi.nlm.nih.gov/research/pubtator3-api',
      doc: 'PubTator3 API (search at `/search/`), at the shared NCBI rate limit',
    }),
    PUBTATOR_QUERY: text({
      shortDefault: 'kidney/renal disease AND gene/syndrome AND variant/mutation',
      default:
        '("kidney disease" OR "renal disease") AND (gene OR syndrome) AND (variant OR mutation)',
      minLength: 3,
      doc: 'the literature search whose hits count as PubTator evidence',
    }),
    PUBTATOR_MODE: oneOf(['smart', 'full'], {
      default: 'smart',
      doc: '`smart` skips stored articles and stops after `PUBTATOR_SMART_STOP_PAGES` quiet pages; `full` reads every page',
    }),
    PUBTATOR_SMART_STOP_PAGES: int({
      default: 3,
      min: 1,
      doc: 'pages in a row without a new article that end a smart run',
    }),
    PUBTATOR_MAX_PAGES: int({
      default: 0,
      min: 0,
      doc: 'upper bound on search pages per run (0 = to the last page)',
    }),
    PUBTATOR_PAGES_PER_BATCH: int({
      default: 20,
      min: 1,
      max: 1000,
      doc: 'pages stored per batch; the resume checkpoint advances after each batch and is cleared when the run completes',
    }),
  },
});
