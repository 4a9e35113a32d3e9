import { bool, group, int, oneOf, text } from '../declare.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_DB_REQUEST_CHOICES = ['failed-or-slow', 'all'] as const;
export type LogDbRequests = (typeof LOG_DB_REQUEST_CHOICES)[number];

export const loggingVariables = group({
  title: 'Logging and metrics',
  doc: 'Records at or above LOG_DB_LEVEL are also stored in system_logs (request lines as LOG_DB_REQUESTS says), written in batches; at most LOG_DB_BUFFER_MAX wait in memory while the database is down (oldest dropped first), and rows older than LOG_RETENTION_DAYS are purged.',
  variables: {
    LOG_LEVEL: oneOf(LOG_LEVELS, { default: 'info', doc: '`fatal` … `trace`, or `silent`' }),
    LOG_PRETTY: bool({
      defaultLabel: '`true` in development, else `false`',
      doc: 'human-readable logs instead of JSON lines',
    }),
    LOG_DB_LEVEL: oneOf(LOG_LEVELS, {
      default: 'info',
      doc: 'records at or above it are stored in `system_logs`; `silent` stores none',
    }),
    LOG_DB_REQUESTS: oneOf(LOG_DB_REQUEST_CHOICES, {
      default: 'failed-or-slow',
      doc: 'request lines stored: `failed-or-slow` (status ≥ 400, slow, warn and above) or `all` (one row per request, at a cost: docs/operations.md, Logs)',
    }),
    LOG_DB_BATCH_SIZE: int({ default: 200, min: 1, max: 1000, doc: 'rows per write (one COPY)' }),
    LOG_DB_FLUSH_MS: int({
      default: 500,
      min: 10,
      doc: 'longest a record waits before its batch is written',
    }),
    LOG_DB_BUFFER_MAX: int({
      default: 10000,
      min: 100,
      doc: 'records held while the database is down (oldest dropped, counted)',
    }),
    LOG_RETENTION_DAYS: int({ default: 30, min: 1, doc: 'rows older than this are purged hourly' }),
    SLOW_REQUEST_MS: int({ default: 1000, min: 1, doc: 'slower requests are logged as warnings' }),
    EVENT_LOOP_WARN_MS: int({
      default: 200,
      min: 1,
      doc: 'warn when event-loop delay p99 over 10 s exceeds it',
    }),
    GIT_COMMIT: text({
      valid: /^[0-9a-f]{7,40}$/,
      format: 'must be a git commit hash',
      doc: 'commit of the build, reported by `GET /version` (Docker: `--build-arg GIT_COMMIT=$(git rev-parse HEAD)`)',
    }),
    METRICS_TOKEN: text({
      minLength: 16,
      doc: 'bearer token a Prometheus scraper presents at `/metrics`; unset = admins only (setting `metrics.token` can replace it)',
    }),
  },
});
