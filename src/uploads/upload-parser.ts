import { readSheet } from 'read-excel-file/node';

import {
  diagnosticPanelsData,
  EVIDENCE_MERGERS,
  literatureData,
} from '../common/evidence/evidence-merge.js';
import type {
  EvidenceRecord,
  ParseResult,
  RowFailure,
} from '../common/evidence/evidence-record.js';
import { GENE_SYMBOL, HGNC_ID_INPUT } from '../common/evidence/gene-identifiers.js';
import { delimitedRows } from './delimited-rows.js';
import { storedZip } from './stored-zip.js';
import { UploadLimitExceeded, type UploadLimits } from './upload-limits.js';
import { guardWorkbook } from './workbook-guard.js';

export const UPLOAD_FORMATS = ['json', 'csv', 'tsv', 'xlsx'] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

/** What a file is, by its name, then by its first bytes; null when it is none we read. */
export function detectFormat(fileName: string, content: Buffer): UploadFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'json') {
    return 'json';
  }
  if (ext === 'csv') {
    return 'csv';
  }
  if (ext === 'tsv' || ext === 'tab') {
    return 'tsv';
  }
  if (ext === 'xlsx') {
    return 'xlsx';
  }
  // A zip container is an Office Open XML workbook.
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    return 'xlsx';
  }
  const head = content.subarray(0, 2048).toString('utf8').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    return 'json';
  }
  const firstLine = head.split(/\r?\n/)[0] ?? '';
  if (firstLine.includes('\t')) {
    return 'tsv';
  }
  if (firstLine.includes(',')) {
    return 'csv';
  }
  return null;
}

/** A file's rows (column names as columnKey makes them) and, for JSON objects, the fields around them. */
export interface UploadTable {
  rows: Record<string, unknown>[];
  meta: Record<string, unknown>;
}

export class UnreadableUploadError extends Error {}

/** `Gene Symbol`, `gene-symbol` and `GENE_SYMBOL` all name the column `gene_symbol`. */
function columnKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function tooManyRows(limits: UploadLimits): UploadLimitExceeded {
  return new UploadLimitExceeded('rows', limits.maxRows, `more than ${limits.maxRows} rows`);
}

/** Characters a value takes in a cell; lists and objects (JSON) count as their JSON text. */
function cellChars(value: unknown): number {
  if (typeof value === 'string') {
    return value.length;
  }
  if (value === null || typeof value !== 'object') {
    return 0;
  }
  return JSON.stringify(value)?.length ?? 0;
}

function checkCells(values: Iterable<unknown>, limits: UploadLimits): void {
  for (const value of values) {
    if (cellChars(value) > limits.maxCellChars) {
      throw new UploadLimitExceeded(
        'cell_length',
        limits.maxCellChars,
        `a cell is longer than ${limits.maxCellChars} characters`,
      );
    }
  }
}

/** Header row plus data rows, counted as they come so reading stops at the row limit. */
function tableFromCells(cells: Iterable<unknown[]>, limits: UploadLimits): UploadTable {
  let keys: string[] | null = null;
  const rows: Record<string, unknown>[] = [];
  for (const r of cells) {
    checkCells(r, limits);
    if (!keys) {
      keys = r.map((h) => columnKey(text(h)));
      continue;
    }
    if (rows.length >= limits.maxRows) {
      throw tooManyRows(limits);
    }
    const header = keys;
    rows.push(Object.fromEntries(header.map((k, i) => [k, r[i] ?? null])));
  }
  return { rows, meta: {} };
}

function lowerKeys(row: unknown): Record<string, unknown> {
  if (typeof row === 'string') {
    return { symbol: row };
  }
  if (!row || typeof row !== 'object' || Array.isArray(row)) {
    return {};
  }
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [columnKey(k), v]));
}

function jsonTable(content: Buffer, limits: UploadLimits): UploadTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new UnreadableUploadError(`not valid JSON: ${(error as Error).message}`);
  }
  const table = (list: unknown[], meta: Record<string, unknown>): UploadTable => {
    if (list.length > limits.maxRows) {
      throw tooManyRows(limits);
    }
    checkCells(Object.values(meta), limits);
    const rows = list.map(lowerKeys);
    for (const row of rows) {
      checkCells(Object.values(row), limits);
    }
    return { rows, meta };
  };
  if (Array.isArray(parsed)) {
    return table(parsed, {});
  }
  if (!parsed || typeof parsed !== 'object') {
    throw new UnreadableUploadError('JSON must be an object or a list of genes');
  }
  const object = parsed as Record<string, unknown>;
  const listKey =
    ['genes', 'data', 'results'].find((k) => Array.isArray(object[k])) ??
    Object.keys(object).find((k) => Array.isArray(object[k]) && k !== 'authors');
  if (!listKey) {
    throw new UnreadableUploadError('JSON holds no list of genes');
  }
  const meta = { ...object };
  delete meta[listKey];
  return table(object[listKey] as unknown[], meta);
}

async function xlsxTable(content: Buffer, limits: UploadLimits): Promise<UploadTable> {
  try {
    // The reader never unzips the upload: it gets the parts the guard inflated and
    // checked (sizes, rows, text runs), rewritten as a plain stored archive.
    const archive = storedZip(guardWorkbook(content, limits));
    return tableFromCells(await readSheet(archive), limits);
  } catch (error) {
    if (error instanceof UploadLimitExceeded) {
      throw error;
    }
    throw new UnreadableUploadError(`not a readable XLSX workbook: ${(error as Error).message}`);
  }
}

/**
 * The rows of a file, read within `limits`: over one, reading stops with
 * UploadLimitExceeded; an unreadable file gives UnreadableUploadError.
 */
export async function readTable(
  content: Buffer,
  format: UploadFormat,
  limits: UploadLimits,
): Promise<UploadTable> {
  switch (format) {
    case 'json':
      return jsonTable(content, limits);
    case 'csv':
    case 'tsv':
      return tableFromCells(
        delimitedRows(content.toString('utf8'), format === 'csv' ? ',' : '\t', limits.maxCellChars),
        limits,
      );
    case 'xlsx':
      return xlsxTable(content, limits);
  }
}

const SYMBOL_COLUMNS = [
  'symbol',
  'gene_symbol',
  'gene',
  'approved_symbol',
  'hgnc_symbol',
  'reported_as',
  'gene_name',
  'genename',
];
const PLACEHOLDERS = new Set(['NA', 'N/A', 'NULL', 'NONE', 'UNKNOWN', '-', '']);

function text(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (value instanceof Date) {
    return value.toISOString().slice(0, 10);
  }
  if (typeof value === 'string') {
    return value.trim();
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value) ?? '';
}

function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(text) : text(value).split(/[;,|]/);
  return items.map((s) => s.trim()).filter((s) => s.length > 0);
}

interface GeneRow {
  symbol: string;
  hgncId: string | null;
  row: Record<string, unknown>;
}

/** The usable gene rows of a table; the others become failures with their reason. */
function geneRows(table: UploadTable): { genes: GeneRow[]; failures: RowFailure[] } {
  const genes: GeneRow[] = [];
  const failures: RowFailure[] = [];
  for (const [i, row] of table.rows.entries()) {
    const symbol = SYMBOL_COLUMNS.map((c) => text(row[c])).find((v) => v.length > 0) ?? '';
    if (PLACEHOLDERS.has(symbol.toUpperCase())) {
      failures.push({
        row: i + 1,
        reason: symbol ? `placeholder symbol "${symbol}"` : 'no gene symbol',
      });
      continue;
    }
    if (!GENE_SYMBOL.test(symbol)) {
      failures.push({ row: i + 1, reason: `"${symbol.slice(0, 60)}" is not a gene symbol` });
      continue;
    }
    const hgnc = text(row.hgnc_id).toUpperCase();
    genes.push({ symbol, hgncId: HGNC_ID_INPUT.test(hgnc) ? hgnc : null, row });
  }
  return { genes, failures };
}

/** An upload source: how a file becomes evidence records for one identifier. */
export interface UploadSourceSpec {
  name: 'DiagnosticPanels' | 'Literature';
  /** What the identifier names, for messages and the API. */
  identifierKind: 'provider' | 'publication';
  description: string;
  /** The identifier a file names itself (JSON fields), when the form does not. */
  identifierIn(meta: Record<string, unknown>): string | null;
  records(table: UploadTable, identifier: string): ParseResult;
}

const diagnosticPanels: UploadSourceSpec = {
  name: 'DiagnosticPanels',
  identifierKind: 'provider',
  description: 'Genes on the kidney panels of a diagnostic laboratory, one provider per upload',
  identifierIn: (meta) => text(meta.provider_name) || text(meta.provider) || null,
  records(table, provider) {
    const { genes, failures } = geneRows(table);
    const records: EvidenceRecord[] = genes.map(({ symbol, hgncId, row }) => {
      const panels = [...list(row.panels), ...list(row.panel_name), ...list(row.panel)];
      const data = diagnosticPanelsData(
        { [provider]: panels.length > 0 ? panels : ['unnamed panel'] },
        hgncId ? [hgncId] : [],
      );
      return { symbol, hgncId, data, detail: EVIDENCE_MERGERS.DiagnosticPanels.detail(data) };
    });
    return { records, failures, rows: table.rows.length };
  },
};

const PUBLICATION_FIELDS = [
  'pmid',
  'title',
  'authors',
  'journal',
  'publication_date',
  'url',
  'doi',
];

const literature: UploadSourceSpec = {
  name: 'Literature',
  identifierKind: 'publication',
  description: 'Genes reported by a curated publication, one publication per upload',
  identifierIn: (meta) => text(meta.pmid) || text(meta.id) || null,
  records(table, publication) {
    const { genes, failures } = geneRows(table);
    const details = Object.fromEntries(
      PUBLICATION_FIELDS.filter((f) => table.meta[f] !== undefined).map((f) => [f, table.meta[f]]),
    );
    const records: EvidenceRecord[] = genes.map(({ symbol, hgncId }) => {
      const data = literatureData({ [publication]: details }, hgncId ? [hgncId] : []);
      return { symbol, hgncId, data, detail: EVIDENCE_MERGERS.Literature.detail(data) };
    });
    return { records, failures, rows: table.rows.length };
  },
};

export const UPLOAD_SOURCES: Readonly<Record<string, UploadSourceSpec>> = {
  DiagnosticPanels: diagnosticPanels,
  Literature: literature,
};
