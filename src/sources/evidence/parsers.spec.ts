import { readFileSync } from 'node:fs';

import { parseDelimited } from '../parsing/delimited.js';
import { parseClinGenCsv } from './clingen.parser.js';
import { parseGenccDelimited } from './gencc.parser.js';

const fixture = (path: string) =>
  readFileSync(new URL(`../../../test/fixtures/upstream/${path}`, import.meta.url), 'utf8');

const CLINGEN_FILTER = {
  expertPanels: [
    'Kidney Cystic and Ciliopathy Disorders',
    'Glomerulopathy',
    'Tubulopathy',
    'Complement-Mediated Kidney Diseases',
    'Congenital Anomalies of the Kidney and Urinary Tract',
  ],
  keywords: [
    'kidney',
    'renal',
    'nephro',
    'glomerul',
    'tubul',
    'polycystic',
    'alport',
    'nephritis',
    'cystic',
    'ciliopathy',
    'complement',
    'cakut',
  ],
};
const KIDNEY = [
  'kidney',
  'renal',
  'nephro',
  'glomerul',
  'polycystic',
  'alport',
  'nephrotic',
  'cakut',
];

describe('parseDelimited', () => {
  it('handles quotes, doubled quotes, embedded delimiters and newlines, CRLF and a BOM', () => {
    expect(parseDelimited('\ufeffa,"b,c","d ""e""\nf"\r\n1,2,3\n')).toEqual([
      ['a', 'b,c', 'd "e"\nf'],
      ['1', '2', '3'],
    ]);
    expect(parseDelimited('"x"\t"y"\n', '\t')).toEqual([['x', 'y']]);
  });
});

describe('parseClinGenCsv', () => {
  const result = parseClinGenCsv(fixture('clingen/gene-validity.csv'), CLINGEN_FILTER);
  const bySymbol = Object.fromEntries(result.records.map((r) => [r.symbol, r]));

  it('skips the banner and both +++ rows, keeps kidney panels and kidney diseases only', () => {
    expect(Object.keys(bySymbol).sort()).toEqual([
      'APOL1',
      'COL4A3',
      'COL4A5',
      'GANAB',
      'HNF1B',
      'NPHS2',
      'PKD1',
      'PKD2',
      'UMOD',
    ]);
    expect(result.rows).toBe(13);
  });

  it('keeps every classification of a gene, with its HGNC id', () => {
    expect(bySymbol.PKD1).toMatchObject({
      hgncId: 'HGNC:9008',
      data: {
        classifications: ['Definitive', 'Limited'],
        validity_count: 2,
        modes_of_inheritance: ['AD', 'AR'],
      },
    });
    expect(bySymbol.NPHS2.data.classifications).toEqual(['Refuted']);
  });

  it('records a row without an HGNC id as a failure with its reason', () => {
    expect(result.failures).toEqual([
      { row: 19, reason: expect.stringContaining('incomplete row') },
    ]);
  });

  it('rejects a file without the header', () => {
    expect(() => parseClinGenCsv('"just","a","file"\n', CLINGEN_FILTER)).toThrow(/no header row/);
  });
});

describe('parseGenccDelimited', () => {
  const result = parseGenccDelimited(fixture('gencc/submissions-export.tsv'), KIDNEY);
  const bySymbol = Object.fromEntries(result.records.map((r) => [r.symbol, r]));

  it('keeps kidney submissions only and every submission of a gene', () => {
    expect(Object.keys(bySymbol).sort()).toEqual([
      'GANAB',
      'HNF1B',
      'NPHP1',
      'NPHS1',
      'NPHS2',
      'PKD1',
    ]);
    expect(bySymbol.PKD1.data).toMatchObject({
      classifications: ['Definitive', 'Strong'],
      submitters: ['ClinGen', 'Genomics England PanelApp'],
      submission_count: 2,
    });
  });

  it('keeps a gene without an HGNC id for normalisation, by symbol', () => {
    expect(bySymbol.NPHP1).toMatchObject({ hgncId: null });
  });

  it('reads the new 31-column CSV layout by its header', () => {
    const csv =
      'sgc_id,version_number,gene_curie,gene_symbol,disease_title,classification_title,submitter_title,moi_title\n' +
      'SGC-107616,2,HGNC:9009,PKD2,autosomal dominant polycystic kidney disease,Definitive,ClinGen,Autosomal dominant\n';
    expect(parseGenccDelimited(csv, KIDNEY).records).toEqual([
      expect.objectContaining({ symbol: 'PKD2', hgncId: 'HGNC:9009' }),
    ]);
  });
});
