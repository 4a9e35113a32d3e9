/**
 * The per-gene annotation rows in the shape the original kidney-genetics-db clients read
 * (the gene page, the structure view, the admin lookup and the MCP sidecar): a list per
 * source key with `data` and `metadata`, under the original's source keys.
 */

/** Our source names the original clients know under another key. */
const ORIGINAL_KEYS: Readonly<Record<string, string>> = { hpo_phenotypes: 'hpo' };
const OUR_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(ORIGINAL_KEYS).map(([ours, original]) => [original, ours]),
);

/** The key the original clients read a source under. */
export const originalAnnotationKey = (source: string): string => ORIGINAL_KEYS[source] ?? source;

/** Our source name for a `?source=` value in either spelling. */
export const annotationSourceName = (key: string): string => OUR_NAMES[key] ?? key;

export interface AnnotationRow {
  source: string;
  version: string | null;
  annotations: Record<string, unknown>;
  source_metadata: Record<string, unknown>;
  updated_at: Date;
}

export interface OriginalAnnotation {
  source: string;
  version: string | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  updated_at: string;
}

/**
 * What the pages read inside `data`: every stored field, plus `no_data_available` (the
 * cards' "not available" switch) and, for gnomAD, the constraint figures at the top level
 * where the original kept them (`constraint_not_available` when gnomAD had none).
 */
export function originalData(row: AnnotationRow): Record<string, unknown> {
  const noData = row.source_metadata.status === 'no_data';
  const data: Record<string, unknown> = { ...row.annotations, no_data_available: noData };
  if (row.source === 'gnomad') {
    const constraint = row.annotations.constraint;
    if (constraint && typeof constraint === 'object' && !Array.isArray(constraint)) {
      Object.assign(data, constraint);
    }
    data.constraint_not_available = noData;
  }
  return data;
}

/** Rows keyed by the original's source keys, each a one-element list as the original sent. */
export function originalAnnotations(rows: AnnotationRow[]): Record<string, OriginalAnnotation[]> {
  return Object.fromEntries(
    rows.map((r) => [
      originalAnnotationKey(r.source),
      [
        {
          source: r.source,
          version: r.version,
          data: originalData(r),
          metadata: r.source_metadata,
          updated_at: r.updated_at.toISOString(),
        },
      ],
    ]),
  );
}
