import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { ENVIRONMENT_VARIABLE_NAMES, loadConfig } from './index.js';

const root = new URL('../../', import.meta.url);

function exampleEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(new URL('.env.example', root), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) entries[match[1]] = match[2]!;
  }
  return entries;
}

describe('.env.example and README', () => {
  it('.env.example lists exactly the variables the config validates', () => {
    expect(Object.keys(exampleEntries()).sort()).toEqual([...ENVIRONMENT_VARIABLE_NAMES].sort());
  });

  it('.env.example values are valid and equal the defaults', () => {
    const fromExample = loadConfig(exampleEntries(), '/srv');
    expect(fromExample).toEqual(loadConfig({}, '/srv'));
  });

  it('the README documents every variable', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const missing = ENVIRONMENT_VARIABLE_NAMES.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});

describe('docs/operations.md and docker/', () => {
  it('the configuration reference lists every variable of .env.example with its default', () => {
    const doc = readFileSync(new URL('docs/operations.md', root), 'utf8');
    const reference = doc.slice(doc.indexOf('## Configuration reference'));
    const documented: Record<string, string> = {};
    for (const line of reference.split('\n')) {
      const match = /^\|\s*`([A-Z0-9_]+)`\s*\|\s*(?:`([^`]*)`|unset)\s*\|/.exec(line);
      if (match) documented[match[1]] = match[2] ?? '';
    }
    expect(documented).toEqual(exampleEntries());
  });

  it('the compose file parses and runs two app replicas against one PostgreSQL', () => {
    type Service = { build?: unknown; environment?: Record<string, string>; '<<'?: Service };
    const compose = load(readFileSync(new URL('docker/compose.yaml', root), 'utf8')) as {
      services: Record<string, Service>;
    };
    // Compose applies YAML merge keys (`<<: *app`); js-yaml leaves them as a key.
    const services = Object.entries(compose.services).map(
      ([name, s]) => [name, { ...s['<<'], ...s }] as const,
    );
    const apps = services.filter(([, s]) => s.build !== undefined);
    expect(apps.map(([name]) => name).sort()).toEqual(['app-1', 'app-2']);
    const urls = new Set(apps.map(([, s]) => s.environment?.DATABASE_URL));
    expect(urls.size).toBe(1);
    expect([...urls][0]).toMatch(/@postgres:5432\//);
    expect(compose.services.postgres).toBeDefined();
    expect(compose.services.lb).toBeDefined();
  });
});
