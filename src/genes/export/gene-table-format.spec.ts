import type { GeneRow } from '../genes.repository.js';
import { exportFilename, negotiateFormat, NotAcceptableError } from './export-formats.js';
import { GeneTableWriter, tableColumns } from './gene-table-format.js';

function row(overrides: Partial<GeneRow> = {}): GeneRow {
  return {
    id: 7,
    hgnc_id: 'HGNC:9008',
    approved_symbol: 'PKD1',
    name: 'polycystin 1',
    aliases: ['PBP', 'Pc-1'],
    previous_symbols: [],
    created_at: new Date('2026-01-02T03:04:05Z'),
    updated_at: new Date('2026-01-02T03:04:05Z'),
    evidence_count: 2,
    evidence_score: '87.5',
    evidence_tier: 'comprehensive_support',
    evidence_group: 'well_supported',
    sources: ['ClinGen', 'PanelApp'],
    source_scores: { ClinGen: 1, PanelApp: 0.75 },
    raw_score: '1.75',
    total_active_sources: 7,
    ...overrides,
  };
}

const SOURCES = ['ClinGen', 'GenCC', 'PanelApp'];

describe('gene table export format', () => {
  it('writes a header with a column per source, then one record per gene', () => {
    const writer = new GeneTableWriter('csv', SOURCES);
    const text = writer.batch([row()]) + writer.batch([]) + writer.end();
    expect(text).toBe(
      'id,hgnc_id,approved_symbol,name,aliases,previous_symbols,evidence_score,evidence_count,' +
        'evidence_tier,evidence_group,sources,raw_score,source_scores.ClinGen,' +
        'source_scores.GenCC,source_scores.PanelApp,created_at,updated_at\n' +
        '7,HGNC:9008,PKD1,polycystin 1,PBP|Pc-1,,87.5,2,comprehensive_support,well_supported,' +
        'ClinGen|PanelApp,1.75,1,,0.75,2026-01-02T03:04:05.000Z,2026-01-02T03:04:05.000Z\n',
    );
    expect(tableColumns([])).toHaveLength(14);
  });

  it('neutralises formula cells but leaves numbers, negative ones included, as numbers', () => {
    const writer = new GeneTableWriter('csv', ['Minus']);
    const [, record] = writer
      .batch([
        row({
          name: '=HYPERLINK("http://x","y")',
          aliases: ['+1', '@SUM(A1)', '-2'],
          previous_symbols: ['\tTAB'],
          source_scores: { Minus: -0.5 },
        }),
      ])
      .split('\n');
    const cells = record.split(',');
    expect(cells[3]).toBe(`"'=HYPERLINK(""http://x""`);
    expect(record).toContain(`,'+1|@SUM(A1)|-2,`);
    expect(record).toContain(`,'\tTAB,`);
    expect(record).toContain(',-0.5,');
  });

  it('quotes tabs and line breaks in TSV cells and keeps commas bare', () => {
    const writer = new GeneTableWriter('tsv', []);
    const [, record] = writer.batch([row({ name: 'a, b\tc\nd' })]).split(/\n(?=7)/);
    expect(record.split('\t').slice(0, 4)).toEqual(['7', 'HGNC:9008', 'PKD1', '"a, b']);
    expect(record).toContain('"a, b\tc\nd"');
  });

  it('writes JSON as one array across batches, also when empty', () => {
    const writer = new GeneTableWriter('json', SOURCES);
    const text =
      writer.batch([row()]) + writer.batch([row({ id: 8 })]) + writer.batch([]) + writer.end();
    const items = JSON.parse(text) as { id: string; attributes: Record<string, unknown> }[];
    expect(items.map((i) => i.id)).toEqual(['7', '8']);
    expect(items[0].attributes).toMatchObject({
      evidence_score: 87.5,
      raw_score: 1.75,
      source_scores: { ClinGen: 1, PanelApp: 0.75 },
      aliases: ['PBP', 'Pc-1'],
    });
    const empty = new GeneTableWriter('json', []);
    expect(JSON.parse(empty.batch([]) + empty.end())).toEqual([]);
  });

  it('takes ?format= first, then Accept, and refuses an Accept it cannot meet', () => {
    const never = () => false as const;
    expect(negotiateFormat('tsv', never)).toBe('tsv');
    expect(negotiateFormat(undefined, () => 'application/json')).toBe('json');
    expect(() => negotiateFormat(undefined, never)).toThrow(NotAcceptableError);
    expect(exportFilename('csv', new Date('2026-03-04T23:59:00Z'))).toBe(
      'kidney-genetics-db_genes_2026-03-04.csv',
    );
  });
});
