import { bool, group, int, text } from '../declare.js';

export const databaseVariables = group({
  title: 'Database',
  doc: 'PostgreSQL: an external server when DATABASE_URL is set, else an embedded one the app starts itself; the pool and its timeouts.',
  variables: {
    DATABASE_URL: text({
      valid: /^postgres(ql)?:\/\/.+/,
      format: 'must be a postgres:// or postgresql:// URL',
      doc: 'PostgreSQL URL; unset starts the embedded server',
    }),
    EMBEDDED_PG_DATA_DIR: text({
      default: '.data/postgres',
      minLength: 1,
      doc: "embedded server's data folder (relative to the working directory)",
    }),
    EMBEDDED_PG_PORT: int({
      default: 54329,
      min: 1,
      max: 65535,
      doc: "embedded server's port (loopback only)",
    }),
    DB_POOL_SIZE: int({ default: 10, min: 1, max: 200, doc: 'connection pool size' }),
    DB_CONNECT_TIMEOUT_MS: int({
      default: 500,
      min: 50,
      doc: 'longest wait for a connection (a new one, or a free one of a full pool) before 503 `DATABASE_UNAVAILABLE`',
    }),
    DB_STATEMENT_TIMEOUT_MS: int({
      default: 15000,
      min: 100,
      doc: 'server-side statement timeout',
    }),
    DB_REQUEST_QUERY_TIMEOUT_MS: int({
      default: 5000,
      min: 100,
      doc: "a request's statement unanswered this long: 503 `DATABASE_TIMEOUT`, connection dropped",
    }),
    DB_LOCK_TIMEOUT_MS: int({
      default: 3000,
      min: 0,
      doc: 'server-side lock wait limit (`lock_timeout`); 0 = none',
    }),
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int({
      default: 30000,
      min: 1000,
      doc: 'the server ends a session idle inside a transaction this long',
    }),
    DB_KEEPALIVE_IDLE_MS: int({
      default: 10000,
      min: 1000,
      doc: 'idle time before TCP keepalive probes start on a pooled connection',
    }),
    DB_MIGRATIONS_RUN: bool({ default: true, doc: 'apply pending migrations at startup' }),
  },
});
