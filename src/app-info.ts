import { readFileSync } from 'node:fs';

/** Name and version from package.json, read once (works from src/ under jest and dist/src/). */
function readPackage(): { name: string; version: string } {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name: string;
        version: string;
      };
    } catch {
      // try the next location
    }
  }
  return { name: 'kidney-genetics-db', version: '0.0.0' };
}

const pkg = readPackage();
export const APP_NAME = pkg.name;
export const APP_VERSION = pkg.version;
