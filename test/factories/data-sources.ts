import type { TestDb } from '../support/test-db.js';

/**
 * Registry rows no current source declares: what an older release or a removed source
 * leaves behind, which the app can only be shown by finding them in the database.
 */
export interface LeftoverSource {
  name: string;
  displayName: string;
  description: string;
  category: string;
  /** ISO time of the row's last change. */
  updatedAt: string;
}

export async function insertLeftoverSources(db: TestDb, sources: LeftoverSource[]): Promise<void> {
  for (const s of sources) {
    await db.exec(
      `INSERT INTO data_sources (name, display_name, description, category, updated_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [s.name, s.displayName, s.description, s.category, s.updatedAt],
    );
  }
}

/** A completed pipeline run of one source, with its per-source row (ISO times). */
export async function insertCompletedSourceRun(
  db: TestDb,
  run: { source: string; kind: string; startedAt: string; finishedAt: string },
): Promise<void> {
  await db.exec(
    `WITH run AS (
       INSERT INTO pipeline_runs (id, kind, status, sources)
       VALUES (gen_random_uuid(), 'source', 'completed', ARRAY[$1::text]) RETURNING id)
     INSERT INTO pipeline_run_sources (run_id, source, kind, started_at, finished_at)
     SELECT id, $1::text, $2::text, $3::timestamptz, $4::timestamptz FROM run`,
    [run.source, run.kind, run.startedAt, run.finishedAt],
  );
}

/**
 * Evidence a leftover source wrote before it was removed from the code, on a gene that
 * also has evidence from a current source (the gene is created when absent).
 */
export async function insertLeftoverEvidence(
  db: TestDb,
  e: { hgncId: string; symbol: string; source: string; currentSource: string },
): Promise<void> {
  await db.exec(
    `INSERT INTO genes (hgnc_id, approved_symbol) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [e.hgncId, e.symbol],
  );
  await db.exec(
    `INSERT INTO gene_evidence (gene_id, source_name, evidence_data)
     SELECT id, s, d::jsonb FROM genes,
       (VALUES ($2, '{"cohorts": ["c1"]}'), ($3, '{"classification": "Definitive"}')) AS v(s, d)
     WHERE hgnc_id = $1`,
    [e.hgncId, e.source, e.currentSource],
  );
}
