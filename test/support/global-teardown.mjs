import { rm } from 'node:fs/promises';

import pg from 'pg';

/** Drops every database this run created, then stops the embedded server if it started one. */
export default async function globalTeardown() {
  const adminUrl = process.env.KGDB_TEST_ADMIN_URL;
  const prefix = process.env.KGDB_TEST_PREFIX;
  const embedded = globalThis.__KGDB_EMBEDDED__;
  if (adminUrl && prefix && !embedded) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
        `${prefix}%`,
      ]);
      for (const { datname } of rows) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    } finally {
      await client.end();
    }
  }
  await embedded?.stop();
  const dataDir = globalThis.__KGDB_EMBEDDED_DIR__;
  if (dataDir) {
    await rm(dataDir, { recursive: true, force: true });
  }
}
