/**
 * Figures the original kidney-genetics-db evidence cards read inside `evidence_data` that
 * its sources stored at ingestion and ours derive from the source scores instead, so that
 * one definition (the scoring SQL) gives both: ClinGen's `max_classification_score` and
 * GenCC's `evidence_score` are the best classification's weight (the source score of a
 * classification source), HPO's `evidence_score` is its source score on 0–100, and its
 * `last_updated` is when the row last changed. A key the source stored itself is kept.
 */
export function withOriginalEvidenceFields(
  source: string,
  data: Record<string, unknown>,
  score: number | null,
  updatedAt: Date,
): Record<string, unknown> {
  const added: Record<string, unknown> = {};
  if (score !== null) {
    if (source === 'ClinGen') {
      added.max_classification_score = score;
    } else if (source === 'GenCC') {
      added.evidence_score = score;
    } else if (source === 'HPO') {
      added.evidence_score = Math.round(score * 1000) / 10;
    }
  }
  if (source === 'HPO') {
    added.last_updated = updatedAt.toISOString();
  }
  return { ...added, ...data };
}
