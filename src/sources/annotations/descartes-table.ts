import { parseDelimited } from '../parsing/delimited.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcome,
  failed,
  noData,
} from './annotation-source.js';

/** The Descartes dataset the tables belong to (the path segment of the download URLs). */
export const DESCARTES_DATASET = 'human_gtex';

/**
 * One Descartes per-tissue table (`tables/tissue_tpm/kidney.csv` or
 * `tables/tissue_percentage/kidney.csv`), indexed by upper-case symbol.
 */
export interface DescartesTable {
  /** Symbol → value (the first row of a symbol that appears more than once). */
  values: Map<string, number>;
  /** Symbol → why its row is unusable (a value that is not a finite number). */
  bad: Map<string, string>;
  rows: number;
  /** Rows without a gene symbol. */
  skipped: number;
  /** Later rows of a symbol already read (the tables repeat a few symbols). */
  duplicates: number;
}

/** A header a hand-saved copy may carry (`gene,tpm`); the published tables have none. */
const HEADER = /^(genes?|symbol|gene_?symbol|gene_?name|gene_?short_?name)$/i;

/**
 * Parses a table: headerless `symbol,value` rows (RFC 4180, so a quoted symbol is read
 * whole); a first row naming its columns is skipped. Any later row whose value is not a finite number is recorded
 * against its symbol (that gene fails), never a reason to drop the file; a row without
 * a symbol is counted and skipped. A file with no usable row throws: an error page
 * served as 200 must fail the run, not pass as "no data" for every gene.
 */
export function parseDescartesTable(text: string, what: string): DescartesTable {
  const table: DescartesTable = {
    values: new Map(),
    bad: new Map(),
    rows: 0,
    skipped: 0,
    duplicates: 0,
  };
  const rows = parseDelimited(text);
  rows.forEach((cells, i) => {
    const symbol = (cells[0] ?? '').trim();
    const raw = (cells[1] ?? '').trim();
    const value = raw === '' ? Number.NaN : Number(raw);
    if (i === 0 && HEADER.test(symbol) && !Number.isFinite(value)) {
      return;
    }
    table.rows += 1;
    const key = symbol.toUpperCase();
    if (!key) {
      table.skipped += 1;
      return;
    }
    if (table.values.has(key) || table.bad.has(key)) {
      table.duplicates += 1;
      return;
    }
    if (cells.length !== 2 || !Number.isFinite(value)) {
      table.bad.set(key, `${what} of ${symbol} is not a number (${JSON.stringify(cells)})`);
      return;
    }
    table.values.set(key, value);
  });
  if (table.values.size === 0) {
    throw new Error(`Descartes ${what}: no usable "symbol,value" rows in ${rows.length} lines`);
  }
  return table;
}

/** The stored annotation of a gene from both tables, or why there is none. */
export function descartesOutcome(
  gene: AnnotationGene,
  tpm: DescartesTable,
  percentage: DescartesTable,
): AnnotationOutcome {
  const key = gene.symbol.toUpperCase();
  const problem = tpm.bad.get(key) ?? percentage.bad.get(key);
  if (problem) {
    return failed(`Descartes: ${problem}`);
  }
  const kidneyTpm = tpm.values.get(key);
  const kidneyPercentage = percentage.values.get(key);
  if (kidneyTpm === undefined && kidneyPercentage === undefined) {
    return noData(`Descartes ${DESCARTES_DATASET} has no kidney row for ${gene.symbol}`);
  }
  return annotated({
    gene_symbol: gene.symbol,
    dataset_version: DESCARTES_DATASET,
    tissue: 'kidney',
    // Fetal kidney, all cells together: mean expression in transcripts per million…
    kidney_tpm: kidneyTpm ?? null,
    // …and the fraction (0–1) of its cells in which the gene is detected.
    kidney_percentage: kidneyPercentage ?? null,
  });
}
