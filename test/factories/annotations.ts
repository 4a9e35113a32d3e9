import type { TestDb } from '../support/test-db.js';

/**
 * Stores one annotation row as a finished annotation run would leave it, without running
 * the source: for tests about how genes show annotations, not about fetching them.
 */
export async function storeAnnotation(
  db: TestDb,
  row: { geneId: number; source: string; annotations: Record<string, unknown>; version?: string },
): Promise<void> {
  await db.exec(
    `INSERT INTO gene_annotations (gene_id, source, version, annotations) VALUES ($1, $2, $3, $4)`,
    [row.geneId, row.source, row.version ?? '1', JSON.stringify(row.annotations)],
  );
}
