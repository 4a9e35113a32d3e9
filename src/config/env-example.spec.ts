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
