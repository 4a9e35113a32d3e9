import { createHash } from 'node:crypto';

import { EVIDENCE_MERGERS } from '../common/evidence/evidence-merge.js';
import type { EvidenceRecord, RowFailure } from '../common/evidence/evidence-record.js';
import { UploadLimitExceeded, type UploadLimits } from './upload-limits.js';
import { readTable, UPLOAD_SOURCES, type UploadFormat } from './upload-parser.js';

/** Row failures an upload reports and keeps; the count covers all of them. */
export const FAILURES_KEPT = 200;

export interface ParseRequest {
  content: Uint8Array;
  format: UploadFormat;
  source: string;
  /** From the form; the file's own (JSON fields) otherwise. */
  identifier?: string;
  limits: UploadLimits;
}

export interface ParsedUpload {
  hash: string;
  /** Empty when neither the form nor the file names one; then there are no records. */
  identifier: string;
  meta: Record<string, unknown>;
  rows: number;
  /** One per gene symbol: rows repeating a symbol are merged into one record. */
  records: EvidenceRecord[];
  failures: RowFailure[];
  failed: number;
}

/** Records of one symbol (case aside) merged the way stored evidence of a source merges. */
function mergeRepeated(source: string, records: EvidenceRecord[]): EvidenceRecord[] {
  const merger = EVIDENCE_MERGERS[source];
  const bySymbol = new Map<string, EvidenceRecord>();
  for (const record of records) {
    const key = record.symbol.toUpperCase();
    const prior = bySymbol.get(key);
    if (!prior) {
      bySymbol.set(key, record);
      continue;
    }
    const data = merger ? merger.merge(prior.data, record.data) : record.data;
    bySymbol.set(key, {
      symbol: prior.symbol,
      hgncId: prior.hgncId ?? record.hgncId,
      data,
      detail: merger ? merger.detail(data) : record.detail,
    });
  }
  return [...bySymbol.values()];
}

/**
 * A file's evidence records for an upload source, within the limits. Pure and
 * synchronous in effect, so it runs in the parsing worker thread.
 */
export async function parseUpload(request: ParseRequest): Promise<ParsedUpload> {
  const { limits } = request;
  const spec = UPLOAD_SOURCES[request.source];
  const content = Buffer.from(
    request.content.buffer,
    request.content.byteOffset,
    request.content.byteLength,
  );
  const hash = createHash('sha256').update(content).digest('hex');
  const table = await readTable(content, request.format, limits);
  const identifier = (request.identifier ?? spec.identifierIn(table.meta) ?? '').trim();
  const empty = { hash, identifier, meta: table.meta, rows: table.rows.length };
  if (!identifier) {
    return { ...empty, records: [], failures: [], failed: 0 };
  }
  const parsed = spec.records(table, identifier);
  const records = mergeRepeated(spec.name, parsed.records);
  if (records.length > limits.maxGenes) {
    throw new UploadLimitExceeded(
      'genes',
      limits.maxGenes,
      `${records.length} distinct genes, more than ${limits.maxGenes}`,
    );
  }
  return {
    ...empty,
    records,
    failures: parsed.failures.slice(0, FAILURES_KEPT),
    failed: parsed.failures.length,
  };
}
