import { readFileSync } from 'node:fs';

import {
  descendantsOf,
  obographDescendants,
  obographRelease,
  oboTermId,
  parseObograph,
} from './obographs.js';

const mp = readFileSync(
  new URL('../../../test/fixtures/upstream/mgi/mp.json', import.meta.url),
  'utf8',
);

describe('obographs', () => {
  it('reads term ids of any OBO prefix from their PURLs', () => {
    expect(oboTermId('http://purl.obolibrary.org/obo/MP_0005367')).toBe('MP:0005367');
    expect(oboTermId('http://purl.obolibrary.org/obo/HP_0000077')).toBe('HP:0000077');
    expect(oboTermId('http://purl.obolibrary.org/obo/mp#kidney')).toBeNull();
  });

  it('collects the MP kidney root and its is_a descendants, not the other branches', () => {
    const graph = parseObograph(mp, 'MP ontology');
    const terms = obographDescendants(graph, 'MP:0005367');
    expect([...terms].sort()).toEqual([
      'MP:0000516',
      'MP:0002135',
      'MP:0002136',
      'MP:0003675',
      'MP:0005367',
      'MP:0005502',
      'MP:0008528', // three levels down
    ]);
    expect(obographRelease(graph)).toBe('2025-03-12');
  });

  it('keeps the HPO entry point and names the file in errors', () => {
    expect(() => descendantsOf('{"graphs": []}', 'HP:0010935')).toThrow(/HPO ontology: no graph/);
    expect(() => parseObograph('<html>', 'MP ontology')).toThrow(/MP ontology: not JSON/);
    expect(obographRelease({ meta: { version: 'v1' } })).toBe('v1');
    expect(obographRelease({})).toBeNull();
  });
});
