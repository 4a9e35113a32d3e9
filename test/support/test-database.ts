import { randomBytes } from 'node:crypto';

import pg from 'pg';

/** Set by global-setup for every worker: the server to create per-file databases on. */
export interface TestDatabaseEnv {
  adminUrl: string;
  template: string;
  prefix: string;
}

export function testDatabaseEnv(): TestDatabaseEnv {
  const adminUrl = process.env.KGDB_TEST_ADMIN_URL;
  const template = process.env.KGDB_TEST_TEMPLATE;
  const prefix = process.env.KGDB_TEST_PREFIX;
  if (!adminUrl || !template || !prefix) {
    throw new Error('test database environment missing: run tests through jest (global-setup)');
  }
  return { adminUrl, template, prefix };
}

export function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(
  adminUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of this test file's own: a copy of the migrated template, or an empty
 * one (`empty: true`) for tests that exercise migrations themselves.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const env = testDatabaseEnv();
  const name = `${env.prefix}_${randomBytes(5).toString('hex')}`;
  const template = options.empty ? 'template0' : env.template;
  await withAdminClient(env.adminUrl, (c) =>
    c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`),
  );
  return {
    name,
    url: urlFor(env.adminUrl, name),
    drop: () =>
      withAdminClient(env.adminUrl, (c) =>
        c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      ).then(() => undefined),
  };
}
