// Runs in plain Node (ESM), outside Jest's module system, so it uses the compiled
// sources from dist/ (`npm test` builds first).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';
import PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '../../dist/src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../../dist/src/database/embedded-postgres.js';
import { freePort } from '../../dist/src/database/free-port.js';
import { runMigrationsLocked } from '../../dist/src/database/migration-lock.js';

function urlFor(adminUrl, database) {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Starts one embedded PostgreSQL for the run (unless DATABASE_URL names a server),
 * builds a migrated template database, and tells the workers where it is.
 */
export default async function globalSetup() {
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'kgdb-test-pg-'));
    const embedded = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      persistent: false,
    });
    globalThis.__KGDB_EMBEDDED__ = embedded;
    // The server empties this folder when it stops but leaves it, since it did not create it.
    globalThis.__KGDB_EMBEDDED_DIR__ = dataDir;
    adminUrl = embedded.url;
  }
  const prefix = `kgdbt_${run}`;
  const template = `${prefix}_tpl`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const dataSource = await new DataSource(
    buildDataSourceOptions(urlFor(adminUrl, template), {
      poolSize: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 60_000,
    }),
  ).initialize();
  try {
    await runMigrationsLocked(dataSource);
  } finally {
    await dataSource.destroy();
  }
  // The job queue's schema in the template too, so each test app's queue starts at once.
  const boss = new PgBoss({
    connectionString: urlFor(adminUrl, template),
    max: 1,
    supervise: false,
    schedule: false,
  });
  await boss.start();
  await boss.stop({ graceful: false, close: true, wait: true });
  process.env.KGDB_TEST_ADMIN_URL = adminUrl;
  process.env.KGDB_TEST_TEMPLATE = template;
  process.env.KGDB_TEST_PREFIX = prefix;
}
