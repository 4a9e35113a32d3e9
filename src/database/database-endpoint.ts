import pg from 'pg';

import type { AppConfig } from '../config/index.js';
import {
  type EmbeddedPostgresHandle,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './embedded-postgres.js';

export const EMBEDDED_DATABASE_NAME = 'kidney_genetics';

/** Where the app's database lives: the configured server, or the embedded one it started. */
export class DatabaseEndpoint {
  constructor(
    readonly url: string,
    readonly embedded?: EmbeddedPostgresHandle,
  ) {}

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }
}

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
}

/** Uses DATABASE_URL when set; otherwise starts the embedded PostgreSQL and its database. */
export async function resolveDatabaseEndpoint(
  config: AppConfig,
  hooks: Pick<EmbeddedPostgresOptions, 'onLog' | 'onEvent' | 'onUnrecoverable'> = {},
): Promise<DatabaseEndpoint> {
  if (config.database.url) {
    return new DatabaseEndpoint(config.database.url);
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: config.database.embedded.dataDir,
    port: config.database.embedded.port,
    persistent: true,
    ...hooks,
  });
  try {
    await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  const url = new URL(embedded.url);
  url.pathname = `/${EMBEDDED_DATABASE_NAME}`;
  return new DatabaseEndpoint(url.toString(), embedded);
}
