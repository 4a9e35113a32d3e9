/**
 * Schema tooling (run through npm scripts, on the compiled output):
 *   run               apply pending migrations to DATABASE_URL or the embedded database
 *   generate <Name>   write migrations/<timestamp>-<Name>.ts from the entity/migration diff
 *   check             exit 1 when entities and migrations disagree (CI's drift check)
 * generate and check diff against a throwaway embedded PostgreSQL, so they never touch data.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DataSource } from 'typeorm';
import type { Query } from 'typeorm/driver/Query.js';

import { loadConfig } from '../config/index.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { resolveDatabaseEndpoint } from './database-endpoint.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { freePort } from './free-port.js';
import { runMigrationsLocked } from './migration-lock.js';

const ENTITIES = fileURLToPath(new URL('../**/entities/*.entity.js', import.meta.url));
const POOL = { poolSize: 2, connectTimeoutMs: 5000, statementTimeoutMs: 120_000 };

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function runPending(): Promise<void> {
  const config = loadConfig();
  const endpoint = await resolveDatabaseEndpoint(config);
  const ds = await new DataSource(buildDataSourceOptions(endpoint.url, POOL)).initialize();
  try {
    const applied = await runMigrationsLocked(ds);
    out(applied.length ? applied.map((m) => `applied ${m.name}`).join('\n') : 'nothing pending');
  } finally {
    await ds.destroy();
    await endpoint.embedded?.stop();
  }
}

/** Applies every migration to a scratch database and returns what the entities still need. */
async function diff(): Promise<{ up: Query[]; down: Query[] }> {
  const scratch = await mkdtemp(join(tmpdir(), 'kgdb-schema-'));
  // A folder the server creates (and so removes again when it stops).
  const dataDir = join(scratch, 'pg');
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
  try {
    const ds = await new DataSource(buildDataSourceOptions(pg.url, POOL, [ENTITIES])).initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      const sql = await ds.driver.createSchemaBuilder().log();
      return { up: sql.upQueries, down: sql.downQueries.reverse() };
    } finally {
      await ds.destroy();
    }
  } finally {
    await pg.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

function render(queries: Query[]): string {
  return queries
    .map((q) => {
      const text = q.query.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
      const params = q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : '';
      return `    await queryRunner.query(\`${text}\`${params});`;
    })
    .join('\n');
}

async function generate(name: string | undefined): Promise<void> {
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error('usage: npm run migration:generate -- <PascalCaseName>');
  }
  const { up, down } = await diff();
  if (up.length === 0) {
    out('entities and migrations agree; nothing to generate');
    return;
  }
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const file = `${timestamp}-${name}`;
  const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${render(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${render(down)}
  }
}
`;
  await writeFile(join('migrations', `${file}.ts`), source);
  await writeIndex();
  out(`wrote migrations/${file}.ts (review it, then run npm run format)`);
}

/** Regenerates migrations/index.ts from the files in the folder, in timestamp order. */
async function writeIndex(): Promise<void> {
  const files = (await readdir('migrations')).filter((f) => /^\d{13}-[A-Z]\w*\.ts$/.test(f)).sort();
  const names = files.map((f) => {
    const [, ts, name] = /^(\d{13})-(\w+)\.ts$/.exec(f)!;
    return { className: `${name}${ts}`, module: f.replace(/\.ts$/, '.js') };
  });
  const source = [
    '// Every migration, in order. `npm run migration:generate` rewrites this file;',
    '// a test fails when a file in this folder is missing from the list.',
    ...names.map((n) => `import { ${n.className} } from './${n.module}';`),
    '',
    'export const migrations = [',
    ...names.map((n) => `  ${n.className},`),
    '];',
    '',
  ].join('\n');
  await writeFile(join('migrations', 'index.ts'), source);
}

async function check(): Promise<void> {
  const { up } = await diff();
  if (up.length === 0) {
    out('schema check: entities and migrations agree');
    return;
  }
  out('schema check FAILED: entities need changes no migration makes:');
  for (const q of up) {
    out(`  ${q.query}`);
  }
  out('run: npm run migration:generate -- <Name>');
  process.exitCode = 1;
}

const [command, arg] = process.argv.slice(2);
const commands: Record<string, () => Promise<void>> = {
  run: runPending,
  generate: () => generate(arg),
  check,
};
const selected = command ? commands[command] : undefined;
if (!selected) {
  process.stderr.write('usage: migration.cli.js run | generate <Name> | check\n');
  process.exit(2);
}
selected().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
