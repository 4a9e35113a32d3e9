import { isAbsolute, resolve } from 'node:path';
import type { EnvironmentVariables, LogLevel, NodeEnv } from './environment.js';

/** Typed, validated configuration; the only shape the rest of the app sees. */
export class AppConfig {
  readonly env: NodeEnv;
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly corsOrigins: readonly string[];
    readonly bodyLimit: string;
    readonly trustProxy: boolean;
    readonly shutdownTimeoutMs: number;
  };
  readonly database: {
    /** Undefined means: start the embedded PostgreSQL. */
    readonly url?: string;
    readonly embedded: { readonly dataDir: string; readonly port: number };
    readonly poolSize: number;
    readonly connectTimeoutMs: number;
    readonly statementTimeoutMs: number;
    readonly migrationsRun: boolean;
  };
  readonly log: { readonly level: LogLevel; readonly pretty: boolean };

  constructor(env: EnvironmentVariables, cwd: string) {
    this.env = env.NODE_ENV;
    this.http = {
      port: env.PORT,
      host: env.HOST,
      corsOrigins: env.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
      bodyLimit: env.BODY_LIMIT.toLowerCase(),
      trustProxy: env.TRUST_PROXY,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    };
    this.database = {
      url: env.DATABASE_URL,
      embedded: {
        dataDir: isAbsolute(env.EMBEDDED_PG_DATA_DIR)
          ? env.EMBEDDED_PG_DATA_DIR
          : resolve(cwd, env.EMBEDDED_PG_DATA_DIR),
        port: env.EMBEDDED_PG_PORT,
      },
      poolSize: env.DB_POOL_SIZE,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      migrationsRun: env.DB_MIGRATIONS_RUN,
    };
    this.log = {
      level: env.LOG_LEVEL,
      pretty: env.LOG_PRETTY ?? env.NODE_ENV === 'development',
    };
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }
}
