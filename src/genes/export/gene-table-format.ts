import { stringify } from 'csv-stringify/sync';

import type { GeneExportItem } from '../dto/gene.response.js';
import type { GeneRow } from '../genes.repository.js';
import { attributes } from '../genes.service.js';
import type { ExportFormat } from './export-formats.js';

/** Joins list cells (aliases, sources), as HGNC's own downloads do. */
export const LIST_SEPARATOR = '|';

type Cell = string | number | null;

/** The fixed columns of a CSV/TSV export, named as the list's attributes. */
const LEADING = [
  'id',
  'hgnc_id',
  'approved_symbol',
  'name',
  'aliases',
  'previous_symbols',
  'evidence_score',
  'evidence_count',
  'evidence_tier',
  'evidence_group',
  'sources',
  'raw_score',
] as const;
const TRAILING = ['created_at', 'updated_at'] as const;

/** The header of a CSV/TSV export: a `source_scores.<source>` column per scoring source. */
export function tableColumns(sources: string[]): string[] {
  return [...LEADING, ...sources.map((s) => `source_scores.${s}`), ...TRAILING];
}

export function exportItem(row: GeneRow): GeneExportItem {
  return {
    type: 'genes',
    id: String(row.id),
    attributes: {
      ...attributes(row),
      source_scores: row.source_scores,
      raw_score: Number(row.raw_score),
    },
  };
}

/** One CSV/TSV record in `tableColumns(sources)` order; a source without a score is empty. */
export function tableRecord(row: GeneRow, sources: string[]): Cell[] {
  const a = exportItem(row).attributes;
  return [
    Number(row.id),
    a.hgnc_id,
    a.approved_symbol,
    a.name,
    a.aliases.join(LIST_SEPARATOR),
    a.previous_symbols.join(LIST_SEPARATOR),
    a.evidence_score,
    a.evidence_count,
    a.evidence_tier,
    a.evidence_group,
    a.sources.join(LIST_SEPARATOR),
    a.raw_score,
    ...sources.map((s) => a.source_scores[s] ?? null),
    a.created_at,
    a.updated_at,
  ];
}

/**
 * csv-stringify's settings for both delimited formats. TSV is the same dialect with a tab:
 * a cell holding a tab, a line break or a double quote is quoted as in CSV (what
 * spreadsheets, R's `read.delim` and pandas read). `escape_formulas` neutralises
 * spreadsheet formula injection as OWASP advises: a text cell starting with `=`, `+`, `-`,
 * `@`, a tab or a carriage return (or their full-width forms) gets a leading `'`; numbers,
 * negative ones included, are written as they are.
 */
function delimited(format: 'csv' | 'tsv') {
  return {
    delimiter: format === 'csv' ? ',' : '\t',
    record_delimiter: '\n',
    escape_formulas: true,
  } as const;
}

/** Serialises export rows as text, the header first and a batch at a time. */
export class GeneTableWriter {
  private started = false;
  private written = 0;

  constructor(
    private readonly format: ExportFormat,
    private readonly sources: string[],
  ) {}

  /** The text for the next batch of rows (the header or `[` before the first). */
  batch(rows: GeneRow[]): string {
    const head = this.started ? '' : this.head();
    this.started = true;
    if (rows.length === 0) {
      return head;
    }
    const before = this.written;
    this.written += rows.length;
    if (this.format === 'json') {
      const items = rows.map((r) => JSON.stringify(exportItem(r))).join(',');
      return head + (before > 0 ? ',' : '') + items;
    }
    return (
      head +
      stringify(
        rows.map((r) => tableRecord(r, this.sources)),
        delimited(this.format),
      )
    );
  }

  /** What closes the file after the last row. */
  end(): string {
    return this.format === 'json' ? ']\n' : '';
  }

  private head(): string {
    if (this.format === 'json') {
      return '[';
    }
    return stringify([tableColumns(this.sources)], delimited(this.format));
  }
}
