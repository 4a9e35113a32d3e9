import { descartesOutcome, parseDescartesTable } from './descartes-table.js';

const gene = (id: number, symbol: string) => ({ id, hgnc_id: `HGNC:${id}`, symbol });

// The published tables: no header, `symbol,value`, every gene, a few symbols twice.
const TPM = ['NPHS1,9.72', 'NPHS2,13.6', 'UMOD,6.83', 'ALG9,6.93', 'ALG9,0.215', ''].join('\n');
const PERCENTAGE = ['NPHS1,0.0206', 'NPHS2,0.0241', 'UMOD,0.0162', 'ALG9,0.0239'].join('\r\n');

describe('Descartes kidney tables', () => {
  it('indexes headerless rows by symbol, keeping the first of a repeated symbol', () => {
    const tpm = parseDescartesTable(TPM, 'kidney TPM');
    expect(Object.fromEntries(tpm.values)).toEqual({
      NPHS1: 9.72,
      NPHS2: 13.6,
      UMOD: 6.83,
      ALG9: 6.93,
    });
    expect(tpm).toMatchObject({ rows: 5, duplicates: 1, skipped: 0 });
    expect(tpm.bad.size).toBe(0);
  });

  it('skips a header a saved copy carries and reads quoted cells whole', () => {
    const table = parseDescartesTable(
      'gene,tpm\n"PKD1",14.2\n"HLA-A, class I",3.5e-2\nPKD2,"10.6"\n',
      'kidney TPM',
    );
    expect(Object.fromEntries(table.values)).toEqual({
      PKD1: 14.2,
      'HLA-A, CLASS I': 0.035,
      PKD2: 10.6,
    });
    expect(table.rows).toBe(3);
  });

  it('fails the gene of a row whose value is not a number, not the file', () => {
    const tpm = parseDescartesTable('NPHS1,NA\nNPHS2,13.6\nUMOD,\nPKD1,1,2\n,4.1\n', 'kidney TPM');
    expect(Object.fromEntries(tpm.values)).toEqual({ NPHS2: 13.6 });
    expect([...tpm.bad.keys()]).toEqual(['NPHS1', 'UMOD', 'PKD1']);
    expect(tpm.skipped).toBe(1);
    const percentage = parseDescartesTable(PERCENTAGE, 'kidney percentage');
    expect(descartesOutcome(gene(1, 'NPHS1'), tpm, percentage)).toEqual({
      kind: 'failed',
      reason: 'Descartes: kidney TPM of NPHS1 is not a number (["NPHS1","NA"])',
    });
    expect(descartesOutcome(gene(2, 'NPHS2'), tpm, percentage)).toEqual({
      kind: 'data',
      data: {
        gene_symbol: 'NPHS2',
        dataset_version: 'human_gtex',
        tissue: 'kidney',
        kidney_tpm: 13.6,
        kidney_percentage: 0.0241,
      },
    });
  });

  it('has no data for a gene in neither table, and keeps what one table gives', () => {
    const tpm = parseDescartesTable(TPM, 'kidney TPM');
    const percentage = parseDescartesTable('NPHS1,0.0206\nPKD1,0.0452\n', 'kidney percentage');
    expect(descartesOutcome(gene(3, 'COL4A5'), tpm, percentage)).toEqual({
      kind: 'no_data',
      reason: 'Descartes human_gtex has no kidney row for COL4A5',
    });
    // Matched whatever the case of the symbol.
    expect(descartesOutcome(gene(4, 'Pkd1'), tpm, percentage)).toMatchObject({
      kind: 'data',
      data: { gene_symbol: 'Pkd1', kidney_tpm: null, kidney_percentage: 0.0452 },
    });
  });

  it('throws on a file with no usable row (an error page answered as 200)', () => {
    expect(() =>
      parseDescartesTable('<html><body>Access denied</body></html>', 'kidney TPM'),
    ).toThrow(/Descartes kidney TPM: no usable "symbol,value" rows in 1 lines/);
    expect(() => parseDescartesTable('', 'kidney percentage')).toThrow(/no usable/);
  });
});
