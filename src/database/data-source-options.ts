import type { DataSourceOptions } from 'typeorm';

import { migrations } from '../../migrations/index.js';
import { readTimeoutOptions, resilientDriver } from './resilient-pool.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export interface PoolSettings {
  poolSize: number;
  /** Waiting for a connection: opening a new one, or for a free one of a full pool. */
  connectTimeoutMs: number;
  /** Server-side limit on any statement (statement_timeout). */
  statementTimeoutMs: number;
  /**
   * How long a statement run for an HTTP request may go unanswered before the client
   * gives up (503 DATABASE_TIMEOUT) and drops the connection. Default: as for the rest.
   */
  requestQueryTimeoutMs?: number;
  /** Server-side limit on waiting for a lock (lock_timeout); 0 = none. */
  lockTimeoutMs?: number;
  /** The server ends a session left idle inside a transaction this long. */
  idleInTransactionTimeoutMs?: number;
  /** Idle time before TCP keepalive probes start on a pooled connection. */
  keepAliveIdleMs?: number;
}

export const MIGRATIONS_TABLE = 'migrations';

/** Past the server's statement timeout, how long the client still waits for its answer. */
export const READ_TIMEOUT_GRACE_MS = 1000;

/**
 * Options shared by the app, the migration CLI and the test harness. `synchronize` is
 * off everywhere: the schema comes only from migrations.
 *
 * A database that is down or hanging must cost a request a bounded, short wait and then
 * a 503, and the pool must be usable again as soon as the database is: connections time
 * out quickly, statements have server-side and client-side limits, and a connection that
 * stops answering is dropped (src/database/resilient-pool.ts).
 */
export function buildDataSourceOptions(
  url: string,
  pool: PoolSettings,
  entities: DataSourceOptions['entities'] = [],
): DataSourceOptions {
  const otherMs = pool.statementTimeoutMs + READ_TIMEOUT_GRACE_MS;
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: 'kidney-genetics-db',
    logging: false,
    driver: resilientDriver(),
    extra: {
      max: pool.poolSize,
      // Both opening a connection and waiting for a free one of a full pool.
      connectionTimeoutMillis: pool.connectTimeoutMs,
      // Sent at connection start-up, so they cost no extra round trip.
      statement_timeout: pool.statementTimeoutMs,
      ...(pool.lockTimeoutMs ? { lock_timeout: pool.lockTimeoutMs } : {}),
      idle_in_transaction_session_timeout: pool.idleInTransactionTimeoutMs ?? 30_000,
      // Detects idle connections whose peer vanished: the kernel starts probing after
      // this idle time.
      keepAlive: true,
      keepAliveInitialDelayMillis: pool.keepAliveIdleMs ?? 10_000,
      ...readTimeoutOptions({
        requestMs: Math.min(pool.requestQueryTimeoutMs ?? otherMs, otherMs),
        otherMs,
      }),
    },
  };
}
