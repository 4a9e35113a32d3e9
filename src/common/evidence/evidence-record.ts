/** One gene's evidence from one source, as a parser produces it. */
export interface EvidenceRecord {
  /** The symbol as the source wrote it. */
  symbol: string;
  /** HGNC id when the source gives one (then it is trusted over the symbol). */
  hgncId: string | null;
  data: Record<string, unknown>;
  detail: string;
}

/** A row the parser could not use, with the reason; recorded, never silently dropped. */
export interface RowFailure {
  row: number;
  reason: string;
}

export interface ParseResult {
  records: EvidenceRecord[];
  failures: RowFailure[];
  /** Rows read (after headers), kept or not. */
  rows: number;
  /** Rows skipped because they are stored already (incremental sources). */
  unchanged?: number;
}

export const HGNC_ID = /^HGNC:\d+$/;

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v.length > 0))].sort();
}

export function matchesAny(text: string, keywords: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return keywords.some((k) => lower.includes(k));
}
