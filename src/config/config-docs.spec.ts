import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import { load } from 'js-yaml';

import {
  ENV_EXAMPLE,
  generatedFiles,
  renderEnvExample,
  renderReadmeTable,
  renderReference,
  splice,
} from './config-docs.js';
import { group, int, sourceUrl, text } from './declare.js';
import { ENVIRONMENT_VARIABLE_NAMES, loadConfig } from './index.js';

const root = new URL('../../', import.meta.url);
const readCommitted = (path: string): Promise<string> => readFile(new URL(path, root), 'utf8');

function exampleEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(new URL(ENV_EXAMPLE, root), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) {
      entries[match[1]] = match[2]!;
    }
  }
  return entries;
}

const sample = group({
  title: 'Sample',
  doc: 'Variables made up for these tests.',
  variables: {
    SAMPLE_COUNT: int({ default: 7, min: 1, doc: 'how many samples' }),
    SAMPLE_URL: sourceUrl({ default: 'https://samples.example/api', doc: 'where samples live' }),
    SAMPLE_TOKEN: text({ minLength: 8, doc: 'a token; unset = none' }),
  },
});

describe('generated configuration docs', () => {
  it.each(['.env.example', 'README.md', 'docs/operations.md'])(
    '%s is what the declarations generate (run npm run config:docs if not)',
    async (path) => {
      const expected = await generatedFiles(readCommitted);
      expect(await readCommitted(path)).toEqual(expected[path]);
    },
  );

  it('.env.example lists exactly the declared variables, and its values load as the defaults', () => {
    expect(Object.keys(exampleEntries())).toEqual([...ENVIRONMENT_VARIABLE_NAMES]);
    expect(loadConfig(exampleEntries(), '/srv')).toEqual(loadConfig({}, '/srv'));
  });

  it('renders a declaration into every document, source URLs left empty in .env.example', () => {
    const example = renderEnvExample([sample]);
    expect(example).toContain('# == Sample ==\n# Variables made up for these tests.\n');
    expect(example).toContain('# how many samples\nSAMPLE_COUNT=7\n');
    expect(example).toContain(
      '# where samples live; default https://samples.example/api (setting any source URL',
    );
    expect(example).toContain('\nSAMPLE_URL=\n');
    expect(example).toContain('\nSAMPLE_TOKEN=\n');
    expect(renderReadmeTable([sample])).toContain('| `SAMPLE_COUNT` | `7` | how many samples |');
    const reference = renderReference([sample]);
    expect(reference).toContain('### Sample\n\nVariables made up for these tests.');
    expect(reference).toContain('| `SAMPLE_COUNT` | `7` | integer ≥ 1 | how many samples |');
    expect(reference).toContain('| `SAMPLE_TOKEN` | unset | at least 8 characters |');
  });

  it('asks for a short stand-in before a long default widens the README table', () => {
    const long = group({
      title: 'Long',
      doc: 'A default too long for a table cell.',
      variables: { LONG_LIST: text({ default: 'word,'.repeat(20), doc: 'a long list' }) },
    });
    expect(() => renderReadmeTable([long])).toThrow(/LONG_LIST: .*shortDefault/);
  });

  it('replaces only what lies between a block’s markers, and refuses a file without them', () => {
    const doc = 'before\n<!-- BEGIN t: generated -->\nold\n<!-- END t -->\nafter\n';
    expect(splice(doc, 't', 'new')).toBe(
      'before\n<!-- BEGIN t: generated -->\n\nnew\n\n<!-- END t -->\nafter\n',
    );
    expect(() => splice('no markers here', 't', 'new')).toThrow(/BEGIN t/);
  });
});

describe('docker/', () => {
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
