import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

import { UpstreamPayloadError } from '../upstream/upstream.errors.js';
import { goAnnotation, goLibraries, GoOntology, indexGaf } from './go-annotations.js';

const BFO_PART_OF = 'http://purl.obolibrary.org/obo/BFO_0000050';
const iri = (id: string) => `http://purl.obolibrary.org/obo/${id.replace(':', '_')}`;
const node = (id: string, lbl: string, namespace: string, deprecated = false) => ({
  id: iri(id),
  lbl,
  type: 'CLASS',
  meta: {
    deprecated,
    basicPropertyValues: [
      { pred: 'http://www.geneontology.org/formats/oboInOwl#hasOBONamespace', val: namespace },
    ],
  },
});
const edge = (sub: string, pred: string, obj: string) => ({ sub: iri(sub), pred, obj: iri(obj) });

/** A small go-basic: kidney development under two parents, cilium parts, an obsolete term. */
const ontologyJson = JSON.stringify({
  graphs: [
    {
      meta: { version: 'http://purl.obolibrary.org/obo/go/releases/2025-03-16/go-basic.json' },
      nodes: [
        node('GO:0008150', 'biological_process', 'biological_process'),
        node('GO:0048856', 'anatomical structure development', 'biological_process'),
        node('GO:0048513', 'animal organ development', 'biological_process'),
        node('GO:0072001', 'renal system development', 'biological_process'),
        node('GO:0001822', 'kidney development', 'biological_process'),
        node('GO:0001656', 'metanephros development', 'biological_process'),
        node('GO:0005575', 'cellular_component', 'cellular_component'),
        node('GO:0005929', 'cilium', 'cellular_component'),
        node('GO:0035869', 'ciliary transition zone', 'cellular_component'),
        node('GO:0003674', 'molecular_function', 'molecular_function'),
        node('GO:0005515', 'protein binding', 'molecular_function'),
        node('GO:0000001', 'obsolete mitochondrion inheritance', 'biological_process', true),
      ],
      edges: [
        edge('GO:0048856', 'is_a', 'GO:0008150'),
        edge('GO:0048513', 'is_a', 'GO:0048856'),
        edge('GO:0072001', 'is_a', 'GO:0048856'),
        edge('GO:0001822', 'is_a', 'GO:0048513'),
        edge('GO:0001822', BFO_PART_OF, 'GO:0072001'),
        edge('GO:0001656', BFO_PART_OF, 'GO:0001822'),
        edge('GO:0005929', 'is_a', 'GO:0005575'),
        edge('GO:0035869', BFO_PART_OF, 'GO:0005929'),
        edge('GO:0005515', 'is_a', 'GO:0003674'),
        // Not followed: regulates, and anything from an obsolete term.
        edge('GO:0001656', 'http://purl.obolibrary.org/obo/RO_0002211', 'GO:0005929'),
        edge('GO:0000001', 'is_a', 'GO:0008150'),
      ],
    },
  ],
});

const row = (symbol: string, qualifier: string, term: string, evidence: string, aspect: string) =>
  [
    'UniProtKB',
    `P${symbol}`,
    symbol,
    qualifier,
    term,
    'GO_REF:0000033',
    evidence,
    '',
    aspect,
    `${symbol} protein`,
    '',
    'protein',
    'taxon:9606',
    '20240101',
    'GO_Central',
    '',
    '',
  ].join('\t');

const gaf = [
  '!gaf-version: 2.2',
  '!date-generated: 2025-03-16T02:39',
  row('PKD1', 'involved_in', 'GO:0001656', 'IBA', 'P'),
  row('PKD1', 'involved_in', 'GO:0001656', 'IEA', 'P'),
  row('PKD1', 'located_in', 'GO:0035869', 'IDA', 'C'),
  row('PKD1', 'enables', 'GO:0005515', 'IPI', 'F'),
  row('pkd2', 'involved_in', 'GO:0001822', 'IMP', 'P'),
  row('PKD2', 'NOT|involved_in', 'GO:0072001', 'IBA', 'P'),
  row('NPHS1', 'NOT|enables', 'GO:0005515', 'IPI', 'F'),
  row('NPHS1', 'involved_in', 'kidney development', 'IBA', 'P'),
  row('NPHS1', 'involved_in', 'GO:0001822', 'IBA', 'X'),
  'UniProtKB\tPX\tCUT\tinvolved_in\tGO:0001822',
  '',
].join('\n');

describe('GAF parsing', () => {
  it('groups rows per symbol and aspect, merging evidence codes of repeated rows', () => {
    const index = indexGaf(gaf);
    expect(index.gafVersion).toBe('2.2');
    expect(index.generated).toBe('2025-03-16T02:39');
    const pkd1 = index.bySymbol.get('PKD1')!;
    expect(Object.fromEntries(pkd1.terms)).toEqual({
      'GO:0001656': { namespace: 'biological_process', evidence: new Set(['IBA', 'IEA']) },
      'GO:0035869': { namespace: 'cellular_component', evidence: new Set(['IDA']) },
      'GO:0005515': { namespace: 'molecular_function', evidence: new Set(['IPI']) },
    });
    // Symbols are matched case-insensitively.
    expect([...index.bySymbol.get('PKD2')!.terms.keys()]).toEqual(['GO:0001822']);
  });

  it('skips NOT rows and counts them and the malformed rows apart', () => {
    const index = indexGaf(gaf);
    expect(index.rows).toBe(10);
    expect(index.negated).toBe(2);
    // A term that is no GO id, an unknown aspect, a row cut short.
    expect(index.malformed).toBe(3);
    expect(index.bySymbol.has('NPHS1')).toBe(false);
    expect(index.bySymbol.get('PKD2')!.terms.has('GO:0072001')).toBe(false);
  });

  it('refuses a file without the !gaf-version header', () => {
    const headless = gaf.split('\n').slice(1).join('\n');
    expect(() => indexGaf(headless)).toThrow(UpstreamPayloadError);
    expect(() => indexGaf(headless)).toThrow(/gaf-version/);
    expect(() => indexGaf('!date-generated: 2025-03-16\n')).toThrow(/no "!gaf-version:" header/);
    expect(() => indexGaf('<html>Not found</html>')).toThrow(/not a GAF file/);
  });
});

describe('GO ontology and libraries', () => {
  const ontology = new GoOntology(ontologyJson);

  it('reads names, namespaces and the release, dropping obsolete terms', () => {
    expect(ontology.version).toBe('2025-03-16');
    expect(ontology.name('GO:0001656')).toBe('metanephros development');
    expect(ontology.namespace('GO:0035869')).toBe('cellular_component');
    expect(ontology.name('GO:0000001')).toBeUndefined();
    expect(ontology.descendants('GO:0008150').has('GO:0000001')).toBe(false);
  });

  it('walks up is_a and part_of, not regulates', () => {
    expect([...ontology.ancestors('GO:0001656')].sort()).toEqual([
      'GO:0001822',
      'GO:0008150',
      'GO:0048513',
      'GO:0048856',
      'GO:0072001',
    ]);
    expect([...ontology.ancestors('GO:0035869')].sort()).toEqual(['GO:0005575', 'GO:0005929']);
  });

  it('stores direct terms per aspect with names, evidence and counts', () => {
    const pkd1 = indexGaf(gaf).bySymbol.get('PKD1')!;
    expect(goAnnotation(pkd1, ontology)).toEqual({
      gene_symbol: 'PKD1',
      go_release: '2025-03-16',
      biological_process: [
        { id: 'GO:0001656', name: 'metanephros development', evidence: ['IBA', 'IEA'] },
      ],
      biological_process_count: 1,
      molecular_function: [{ id: 'GO:0005515', name: 'protein binding', evidence: ['IPI'] }],
      molecular_function_count: 1,
      cellular_component: [
        { id: 'GO:0035869', name: 'ciliary transition zone', evidence: ['IDA'] },
      ],
      cellular_component_count: 1,
      term_count: 3,
    });
  });

  it('builds three libraries, each term holding the genes of the terms below it', () => {
    const local: Record<string, number> = { PKD1: 1, PKD2: 2, NPHS1: 3 };
    const libraries = goLibraries(indexGaf(gaf), ontology, (s) => local[s.toUpperCase()]);
    const byName = Object.fromEntries(
      libraries.map((l) => [
        l.library,
        Object.fromEntries(l.terms.map((t) => [t.id, [...t.genes].sort()])),
      ]),
    );
    expect(byName.GO_BP).toEqual({
      'GO:0001656': [1],
      // PKD1 through metanephros development (part_of), PKD2 directly.
      'GO:0001822': [1, 2],
      'GO:0048513': [1, 2],
      'GO:0072001': [1, 2],
      'GO:0048856': [1, 2],
      'GO:0008150': [1, 2],
    });
    expect(byName.GO_CC).toEqual({
      'GO:0035869': [1],
      'GO:0005929': [1],
      'GO:0005575': [1],
    });
    // NPHS1's only usable row was a NOT.
    expect(byName.GO_MF).toEqual({ 'GO:0005515': [1], 'GO:0003674': [1] });
    expect(libraries.find((l) => l.library === 'GO_BP')!.terms[0]).toMatchObject({
      id: 'GO:0001656',
      name: 'metanephros development',
    });
  });
});

describe('the offline snapshot GO files', () => {
  const dir = new URL('../snapshot/data/go/', import.meta.url);
  const ontology = new GoOntology(readFileSync(new URL('go-basic.json', dir), 'utf8'));
  const index = indexGaf(gunzipSync(readFileSync(new URL('goa_human.gaf.gz', dir))).toString());
  const roots: Record<string, string> = {
    biological_process: 'GO:0008150',
    molecular_function: 'GO:0003674',
    cellular_component: 'GO:0005575',
  };

  it('name every annotated term, in the aspect the GAF gives, below its root', () => {
    for (const gene of index.bySymbol.values()) {
      for (const [term, { namespace }] of gene.terms) {
        expect([term, ontology.name(term) !== undefined]).toEqual([term, true]);
        expect([term, ontology.namespace(term)]).toEqual([term, namespace]);
        expect([term, ontology.ancestors(term).has(roots[namespace])]).toEqual([term, true]);
      }
    }
    expect(index.negated).toBe(1);
    expect(index.malformed).toBe(0);
  });
});
