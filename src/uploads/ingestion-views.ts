/**
 * The answers of the ingestion routes, in the shape both this service's clients and the
 * original kidney-genetics-db Hybrid Sources page read: lists nested under the names the
 * page reads (`uploads`, `audit_records`, `identifiers`), with the original's field names
 * beside this service's. See the compatibility table in docs/api.md.
 */
import type { UploadOutcome } from './uploads.service.js';

type Row = Record<string, unknown>;

/** An upload's outcome, with the summary the original's Upload tab shows. */
export function uploadView(outcome: UploadOutcome): Row {
  const stored = outcome.added + outcome.updated;
  return {
    ...outcome,
    status: 'success',
    genes_processed: outcome.genes,
    storage_stats: { created: outcome.added, merged: outcome.updated, staged: outcome.staged },
    message:
      outcome.same_content_as === null
        ? `${stored} genes stored from ${outcome.rows} rows (${outcome.staged} staged, ${outcome.failed} rows failed)`
        : `Same content as upload ${outcome.same_content_as}; ${stored} genes stored`,
  };
}

/** The status cards: evidence rows and genes of the source (one row per gene). */
export function statusView(status: Row & { genes: number }): Row {
  return { ...status, evidence_records: status.genes, unique_genes: status.genes };
}

/** The upload history, each row also under the original's names. */
export function uploadsView(rows: Row[]): Row {
  return {
    uploads: rows.map((r) => ({
      ...r,
      evidence_name: r.identifier,
      original_filename: r.file_name,
      upload_status: r.status,
      genes_normalized: r.genes_stored,
      genes_failed: r.failed,
    })),
  };
}

/** The audit trail, each row naming who acted as the original did. */
export function auditView(rows: Row[]): Row {
  return { audit_records: rows.map((r) => ({ ...r, performed_by: r.username })) };
}

export function identifiersView(rows: Row[]): Row {
  return { identifiers: rows };
}
