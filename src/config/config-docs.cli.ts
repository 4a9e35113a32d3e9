/**
 * Writes (`write`) or verifies (`check`) the configuration docs generated from the variable
 * declarations: `.env.example`, the README table and the docs/operations.md reference.
 */
import { readFile, writeFile } from 'node:fs/promises';

import { generatedFiles } from './config-docs.js';

const read = (path: string): Promise<string> => readFile(path, 'utf8');

async function main(mode: string | undefined): Promise<void> {
  if (mode !== 'write' && mode !== 'check') {
    process.stderr.write('usage: config-docs.cli.js write | check\n');
    process.exitCode = 2;
    return;
  }
  const files = await generatedFiles(read);
  const stale: string[] = [];
  for (const [path, content] of Object.entries(files)) {
    const committed = await read(path).catch(() => '');
    if (committed === content) {
      continue;
    }
    if (mode === 'write') {
      await writeFile(path, content);
      process.stdout.write(`wrote ${path}\n`);
    } else {
      stale.push(path);
    }
  }
  if (stale.length > 0) {
    process.stderr.write(
      `stale: ${stale.join(', ')}; run npm run config:docs and commit the result\n`,
    );
    process.exitCode = 1;
  } else if (mode === 'check') {
    process.stdout.write('configuration docs are up to date\n');
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
