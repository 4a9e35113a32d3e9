import { group, int, text } from '../declare.js';

export const cacheVariables = group({
  title: 'Cache',
  doc: 'The default TTL, per-namespace overrides, the in-memory (L1) bounds, how long an expired entry may still be served when its loader fails, and how often expired cache_entries rows are purged.',
  variables: {
    CACHE_DEFAULT_TTL_SECONDS: int({
      default: 3600,
      min: 1,
      doc: 'TTL of namespaces without their own',
    }),
    CACHE_NAMESPACE_TTLS: text({
      default: '',
      valid: /^(\s*[a-z][a-z0-9_.-]*\s*=\s*\d+\s*)?(,\s*[a-z][a-z0-9_.-]*\s*=\s*\d+\s*)*$/,
      format: 'must look like name=seconds,name=seconds',
      doc: 'overrides, e.g. `hgnc=86400,pubtator=604800` (built-in defaults in docs/architecture.md)',
    }),
    CACHE_L1_MAX_ENTRIES: int({
      default: 10000,
      min: 1,
      doc: 'in-memory cache bound (entries), LRU',
    }),
    CACHE_L1_MAX_MB: int({ default: 64, min: 1, doc: 'in-memory cache bound (MiB of JSON), LRU' }),
    CACHE_STALE_GRACE_SECONDS: int({
      default: 86400,
      min: 0,
      doc: 'how long past expiry an entry may be served when its loader fails',
    }),
    CACHE_WARM_TOP_GENES: int({
      default: 50,
      min: 0,
      max: 1000,
      doc: 'genes (highest evidence score first) whose detail and evidence pages `POST /api/admin/cache/warm` preloads',
    }),
    CACHE_CLEANUP_INTERVAL_SECONDS: int({
      default: 600,
      min: 0,
      doc: 'purge of expired `cache_entries` rows; `0` disables the timer',
    }),
  },
});
