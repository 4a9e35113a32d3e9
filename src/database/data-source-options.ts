import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export interface PoolSettings {
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

export const MIGRATIONS_TABLE = 'migrations';

/**
 * Options shared by the app, the migration CLI and the test harness. `synchronize` is
 * off everywhere: the schema comes only from migrations.
 */
export function buildDataSourceOptions(
  url: string,
  pool: PoolSettings,
  entities: DataSourceOptions['entities'] = [],
): DataSourceOptions {
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
    extra: {
      max: pool.poolSize,
      // A dead database must fail fast (503), never hang a request.
      connectionTimeoutMillis: pool.connectTimeoutMs,
      statement_timeout: pool.statementTimeoutMs,
      query_timeout: pool.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: 30_000,
      keepAlive: true,
    },
  };
}
