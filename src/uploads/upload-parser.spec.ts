import { testUploadLimits } from '../../test/factories/upload-limits.js';
import { repeated, sheetRow, workbook, worksheet } from '../../test/factories/xlsx-files.js';
import { parseUpload } from './parse-upload.js';
import { UploadLimitExceeded, type UploadLimits } from './upload-limits.js';
import { readTable, UnreadableUploadError, type UploadFormat } from './upload-parser.js';

const LIMITS = testUploadLimits();

/** The limit `work` stopped at, or null when it finished. */
async function limitHit(work: () => Promise<unknown>): Promise<string | null> {
  try {
    await work();
    return null;
  } catch (error) {
    if (error instanceof UploadLimitExceeded) {
      return error.limit;
    }
    throw error;
  }
}

const read = (content: Buffer | string, format: UploadFormat, limits: Partial<UploadLimits> = {}) =>
  readTable(Buffer.from(content), format, { ...LIMITS, ...limits });

const header = sheetRow(1, ['symbol', 'panels']);

describe('reading uploads within limits', () => {
  it('reads a small workbook', async () => {
    const file = await workbook({ rows: [header, sheetRow(2, ['PKD1', 'Cystic'])] });
    expect((await read(file, 'xlsx')).rows).toEqual([{ symbol: 'PKD1', panels: 'Cystic' }]);
  });

  it('refuses a workbook whose shared strings declare 300 MB, before inflating them', async () => {
    const bomb = await workbook({
      rows: [header, '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
      sharedStrings: ['<si><t>', ...repeated('A', 300 * 1024 * 1024), '</t></si>'],
    });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await limitHit(() => read(bomb, 'xlsx'))).toBe('decompressed_size');
  });

  it('stops inflating a part that understates its size once the limit is passed', async () => {
    const liar = await workbook({
      rows: [header, '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
      sharedStrings: ['<si><t>', ...repeated('A', 40 * 1024 * 1024), '</t></si>'],
      sharedStringsDeclaredSize: 100,
    });
    expect(await limitHit(() => read(liar, 'xlsx'))).toBe('decompressed_size');
  });

  it('counts worksheet rows while inflating', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => sheetRow(i + 2, [`G${i}`]));
    const file = await workbook({ rows: [header, ...rows] });
    expect(await limitHit(() => read(file, 'xlsx'))).toBe('rows');
    expect(await limitHit(() => read(file, 'xlsx', { maxRows: 1001 }))).toBeNull();
  });

  it('refuses a cell longer than the limit, in a workbook, CSV and JSON', async () => {
    const long = 'x'.repeat(1001);
    const file = await workbook({ rows: [header, sheetRow(2, ['PKD1', long])] });
    expect(await limitHit(() => read(file, 'xlsx'))).toBe('cell_length');
    const huge = await workbook({ rows: [header, sheetRow(2, ['PKD1', 'x'.repeat(100_000)])] });
    expect(await limitHit(() => read(huge, 'xlsx'))).toBe('cell_length');
    expect(await limitHit(() => read(`symbol,panels\nPKD1,${long}\n`, 'csv'))).toBe('cell_length');
    expect(await limitHit(() => read(`symbol\tpanels\nPKD1\t"${long}"\n`, 'tsv'))).toBe(
      'cell_length',
    );
    const json = JSON.stringify({ genes: [{ symbol: 'PKD1', panels: [long] }] });
    expect(await limitHit(() => read(json, 'json'))).toBe('cell_length');
  });

  it('stops reading CSV and JSON at the row limit', async () => {
    const csv = ['symbol', ...Array.from({ length: 1001 }, (_, i) => `G${i}`)].join('\n');
    expect(await limitHit(() => read(csv, 'csv'))).toBe('rows');
    expect((await read(csv, 'csv', { maxRows: 1001 })).rows).toHaveLength(1001);
    const json = JSON.stringify(Array.from({ length: 1001 }, () => 'PKD1'));
    expect(await limitHit(() => read(json, 'json'))).toBe('rows');
  });
});

/** Why `work` found the file unreadable, or null when it read it. */
async function unreadable(work: () => Promise<unknown>): Promise<string | null> {
  try {
    await work();
    return null;
  } catch (error) {
    if (error instanceof UnreadableUploadError) {
      return error.message;
    }
    throw error;
  }
}

describe('workbooks whose local entries are not what the central directory lists', () => {
  const small = { maxRows: 10, maxDecompressedBytes: 64 * 1024 };

  it('refuses a 5,000-row sheet hidden after the listed 2-row one (rows limit 10)', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => sheetRow(i + 2, [`ZQX${i}`]));
    const file = await workbook({
      rows: [header, sheetRow(2, ['PKD1', 'Cystic'])],
      extraParts: [
        { name: 'xl/worksheets/sheet1.xml', chunks: worksheet([header, ...rows]), hidden: true },
      ],
    });
    expect(await unreadable(() => read(file, 'xlsx', small))).toMatch(/central directory/);
    // The hidden sheet inflates past 64 KB too: that limit is not bypassed either.
    const rowsAllowed = { ...small, maxRows: 10_000 };
    expect(await unreadable(() => read(file, 'xlsx', rowsAllowed))).toMatch(/central directory/);
  });

  it('refuses a 0.4 MB workbook hiding an entry that inflates to 400 MB', async () => {
    const file = await workbook({
      rows: [header, sheetRow(2, ['PKD1', 'Cystic'])],
      extraParts: [
        { name: 'xl/padding.xml', chunks: repeated('A', 400 * 1024 * 1024), hidden: true },
      ],
    });
    expect(file.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    expect(await unreadable(() => read(file, 'xlsx', small))).toMatch(/central directory/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it('refuses a directory listing one name twice', async () => {
    const file = await workbook({
      rows: [header, sheetRow(2, ['PKD1', 'Cystic'])],
      extraParts: [{ name: 'xl/worksheets/sheet1.xml', chunks: worksheet([header]) }],
    });
    expect(await unreadable(() => read(file, 'xlsx'))).toMatch(/twice/);
  });

  it('reads a workbook written with data descriptors, as streaming writers do', async () => {
    const file = await workbook({
      rows: [header, sheetRow(2, ['PKD1', 'Cystic'])],
      dataDescriptors: true,
    });
    expect((await read(file, 'xlsx', small)).rows).toEqual([{ symbol: 'PKD1', panels: 'Cystic' }]);
  });

  it('refuses bytes between the entries and the directory', async () => {
    const file = await workbook({ rows: [header, sheetRow(2, ['PKD1', 'Cystic'])] });
    const end = file.length - 22;
    const directoryAt = file.readUInt32LE(end + 16);
    const padded = Buffer.concat([
      file.subarray(0, directoryAt),
      Buffer.alloc(64),
      file.subarray(directoryAt),
    ]);
    padded.writeUInt32LE(directoryAt + 64, padded.length - 22 + 16);
    expect(await unreadable(() => read(padded, 'xlsx'))).toMatch(/central directory/);
  });
});

describe('parseUpload', () => {
  const parse = (content: string, limits: Partial<UploadLimits> = {}) =>
    parseUpload({
      content: Buffer.from(content),
      format: 'csv',
      source: 'DiagnosticPanels',
      identifier: 'Lab',
      limits: { ...LIMITS, ...limits },
    });

  it('merges rows repeating a symbol into one record with every panel', async () => {
    const rows = Array.from({ length: 900 }, (_, i) => `${i % 2 ? 'pkd1' : 'PKD1'},Panel ${i % 3}`);
    const parsed = await parse(['symbol,panels', ...rows, 'PKD2,Cystic'].join('\n'));
    expect(parsed.rows).toBe(901);
    expect(parsed.records.map((r) => r.symbol)).toEqual(['PKD1', 'PKD2']);
    expect(parsed.records[0].data).toMatchObject({
      panels_by_provider: { Lab: ['Panel 0', 'Panel 1', 'Panel 2'] },
      panel_count: 3,
    });
    expect(parsed.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses more distinct genes than the limit', async () => {
    const csv = ['symbol', ...Array.from({ length: 101 }, (_, i) => `ZQX${i}`)].join('\n');
    expect(await limitHit(() => parse(csv))).toBe('genes');
    expect((await parse(csv, { maxGenes: 101 })).records).toHaveLength(101);
  });

  it('keeps 200 row failures and counts them all', async () => {
    const csv = ['symbol', 'PKD1', ...Array.from({ length: 500 }, () => 'N/A')].join('\n');
    const parsed = await parse(csv);
    expect(parsed.failures).toHaveLength(200);
    expect(parsed.failed).toBe(500);
  });
});
