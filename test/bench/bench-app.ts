import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type pg from 'pg';

import { AppModule } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/index.js';
import {
  type EmbeddedPostgresHandle,
  startEmbeddedPostgres,
} from '../../src/database/embedded-postgres.js';
import { freePort } from '../../src/database/free-port.js';

export interface BenchContext {
  app: INestApplicationContext;
  databaseUrl: string;
  close(): Promise<void>;
}

const silent = { write: () => undefined };

export interface BenchDatabase {
  url: string;
  /** The server's data directory (its `postmaster.pid` names the server process). */
  dataDir: string;
  stop(): Promise<void>;
}

/** A throwaway embedded PostgreSQL for one benchmark. */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'kgdb-bench-'));
  await chmod(dir, 0o755);
  const dataDir = join(dir, 'pg');
  const pg: EmbeddedPostgresHandle = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    persistent: false,
  });
  return {
    url: pg.url,
    dataDir,
    stop: async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The real application (no HTTP listener) on a throwaway embedded PostgreSQL. */
export async function startBenchContext(env: Record<string, string> = {}): Promise<BenchContext> {
  const pg = await startBenchDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: pg.url,
    LOG_LEVEL: 'warn',
    ADMIN_PASSWORD: 'Bench-Admin-Passw0rd',
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnop',
    ...env,
  });
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, logDestination: silent }),
    { logger: false },
  );
  await app.init();
  return {
    app,
    databaseUrl: pg.url,
    close: async () => {
      await app.close();
      await pg.stop();
    },
  };
}

/**
 * What the app's score refresh leaves after a seed that bypassed it: both score views
 * rebuilt, the scores vacuumed (index-only scans find their pages all-visible) and
 * planner statistics current, as the refresher and autovacuum leave them.
 */
export async function refreshScoreViews(client: pg.Client): Promise<void> {
  await client.query('REFRESH MATERIALIZED VIEW gene_scores');
  await client.query('REFRESH MATERIALIZED VIEW gene_scores_facets');
  await client.query('VACUUM (ANALYZE) gene_scores');
  await client.query('ANALYZE');
}
