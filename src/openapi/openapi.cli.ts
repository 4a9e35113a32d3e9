/**
 * Writes (`write`) or verifies (`check`) docs/openapi.json from the code. The app is
 * built in Nest's preview mode: routes and DTOs are read, no provider runs, so no
 * database is needed.
 */
import { readFile, writeFile } from 'node:fs/promises';

import { NestFactory } from '@nestjs/core';

import { AppModule } from '../app.module.js';
import { loadConfig } from '../config/index.js';
import { buildOpenApiDocument } from './openapi.js';

const TARGET = 'docs/openapi.json';

async function render(): Promise<string> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://unused@127.0.0.1/none',
  });
  const app = await NestFactory.create(AppModule.forRoot({ config }), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

async function main(mode: string | undefined): Promise<void> {
  const spec = await render();
  if (mode === 'write') {
    await writeFile(TARGET, spec);
    process.stdout.write(`wrote ${TARGET}\n`);
    return;
  }
  if (mode === 'check') {
    const committed = await readFile(TARGET, 'utf8').catch(() => '');
    if (committed === spec) {
      process.stdout.write(`${TARGET} is up to date\n`);
      return;
    }
    process.stderr.write(`${TARGET} is stale: run npm run openapi and commit the result\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write('usage: openapi.cli.js write | check\n');
  process.exitCode = 2;
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
