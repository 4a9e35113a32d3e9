/**
 * The shapes the original kidney-genetics-db Staging page reads on its legacy paths
 * (`/api/staging/staging/…`), made from this service's answers. See the compatibility
 * table in docs/api.md.
 */

interface StagingRowView {
  id: number;
  source_name: string;
  original_text: string;
  reason: string;
  candidates: unknown[];
  evidence_data: unknown;
  status: string;
  priority: number;
  created_at: string;
  updated_at: string;
}

/** `{data: rows}` → a bare array of the original's staging records. */
export function legacyStagingList(answer: unknown): unknown {
  const rows = (answer as { data: StagingRowView[] }).data;
  return rows.map((r) => ({
    id: r.id,
    original_text: r.original_text,
    source_name: r.source_name,
    priority_score: r.priority,
    // An ambiguous or conflicting symbol needs a curator's judgement; an unknown one a look-up.
    requires_expert_review: r.reason !== 'unknown',
    status: r.status,
    created_at: r.created_at,
    updated_at: r.updated_at,
    original_data: r.evidence_data,
    normalization_log: { failure_reason: r.reason, candidates: r.candidates },
  }));
}

/** `{data:{totals, pending_by_source}}` → the original's bare counts. */
export function legacyStagingStats(answer: unknown): unknown {
  const { totals, pending_by_source } = (
    answer as {
      data: { totals: Record<string, number>; pending_by_source: Record<string, number> };
    }
  ).data;
  return {
    total_pending: totals.pending ?? 0,
    total_approved: totals.approved ?? 0,
    total_rejected: totals.rejected ?? 0,
    by_source: pending_by_source,
  };
}

/**
 * The original's review body → this service's: `reviewer` is dropped (the signed-in
 * curator is the reviewer), and nulls the form sends for empty fields are left out.
 */
export function legacyReviewBody(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(([key, value]) => key !== 'reviewer' && value !== null),
  );
}
