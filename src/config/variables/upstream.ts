import { bool, group, int, oneOf, text } from '../declare.js';

export const upstreamVariables = group({
  title: 'Upstream requests',
  doc: "Every request to a source's host: per-attempt timeout, attempts (429, 5xx and network errors retry with exponential back-off and jitter, honouring Retry-After), per-domain rate (matched by host suffix, shared by every source on that domain), concurrency per domain and the circuit breaker. UPSTREAM_MODE picks the offline snapshot or the real hosts.",
  variables: {
    UPSTREAM_TIMEOUT_MS: int({
      default: 30000,
      min: 100,
      doc: 'per attempt, for every upstream request',
    }),
    UPSTREAM_MAX_ATTEMPTS: int({
      default: 5,
      min: 1,
      max: 20,
      doc: 'attempts per request; 429, 5xx and network errors retry',
    }),
    UPSTREAM_BACKOFF_BASE_MS: int({
      default: 500,
      min: 1,
      doc: 'first back-off (exponential, with jitter; `Retry-After` wins when longer)',
    }),
    UPSTREAM_BACKOFF_MAX_MS: int({ default: 30000, min: 1, doc: 'longest back-off' }),
    UPSTREAM_RATE_LIMITS: text({
      default: 'ncbi.nlm.nih.gov=3,default=5',
      valid: /^\s*[a-z0-9.-]+\s*=\s*\d+(\.\d+)?\s*(,\s*[a-z0-9.-]+\s*=\s*\d+(\.\d+)?\s*)*$/,
      format: 'must look like host=perSecond,default=perSecond',
      doc: 'requests per second per domain (host suffix), shared by all sources on it',
    }),
    UPSTREAM_CONCURRENCY: int({ default: 4, min: 1, doc: 'requests in flight per domain' }),
    UPSTREAM_BREAKER_FAILURES: int({
      default: 5,
      min: 1,
      doc: "consecutive failures that open a domain's circuit",
    }),
    UPSTREAM_BREAKER_OPEN_MS: int({
      default: 30000,
      min: 100,
      doc: 'how long an open circuit fails fast before a trial request',
    }),
    UPSTREAM_MODE: oneOf(['snapshot', 'live'], {
      defaultLabel: '`snapshot` unless a source URL is set',
      doc: '`snapshot`: sources read the offline snapshot shipped in `src/sources/snapshot/data`; `live`: the real hosts',
    }),
    SNAPSHOT_INGEST_ON_START: bool({
      defaultLabel: '`true` (not under `NODE_ENV=test`)',
      doc: 'in snapshot mode, run the first-start ingestion (a pipeline run of kind initial) until one has completed',
    }),
  },
});
