import { readFileSync } from 'node:fs';

import { descendantsOf, parseGenesToPhenotype } from './hpo.parser.js';

const fixture = (path: string) =>
  readFileSync(new URL(`../../../test/fixtures/upstream/hpo/${path}`, import.meta.url), 'utf8');

describe('HPO parsing', () => {
  const terms = descendantsOf(fixture('hp.json'), 'HP:0010935');

  it('collects the root and its is_a descendants, without deprecated terms or other branches', () => {
    expect(terms.has('HP:0010935')).toBe(true);
    expect(terms.has('HP:0001967')).toBe(true); // four levels down
    expect(terms.has('HP:0000093')).toBe(false); // proteinuria sits under the urinary system
    expect(terms.has('HP:0000009')).toBe(false); // deprecated
    expect(terms.size).toBe(16);
  });

  it('groups kidney annotations per gene and records bad rows', () => {
    const result = parseGenesToPhenotype(fixture('genes_to_phenotype.txt'), terms);
    expect(result.records.map((r) => r.symbol).sort()).toEqual([
      'NPHS1',
      'PKD1',
      'PKD2',
      'TMEM67',
      'UMOD',
    ]);
    expect(result.failures).toEqual([{ row: 26, reason: 'missing gene symbol or HPO id' }]);
  });

  it('rejects files without the expected header', () => {
    expect(() => parseGenesToPhenotype('a\tb\n', terms)).toThrow(/no header/);
    expect(() => descendantsOf('{"graphs": []}', 'HP:0010935')).toThrow(/no graph/);
  });
});
