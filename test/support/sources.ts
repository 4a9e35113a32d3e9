import type { TestApp } from './app-factory.js';

interface SourceRun {
  source: string;
  status: string;
  added: number;
  updated: number;
  failed: number;
  errors: unknown[];
  error: string | null;
  result: Record<string, unknown> | null;
}

/**
 * Runs one source through `POST /api/datasources/:name/update?wait=true` and answers
 * like a response whose `body.data` is that source's outcome, flattened: run_id,
 * source, status, rows, genes, added, updated, staged, created_genes, failed,
 * failures, normalization, error. Error answers come back as they are.
 */
export async function runSource(
  t: TestApp,
  token: string,
  name: string,
  options: { force?: boolean; expect?: number } = {},
): Promise<{
  status: number;
  body: { data: Record<string, unknown>; error?: Record<string, unknown> };
}> {
  const query = `wait=true${options.force ? '&force_refresh=true' : ''}`;
  const res = await t
    .http()
    .post(`/api/datasources/${name}/update?${query}`)
    .set('Authorization', `Bearer ${token}`);
  if (options.expect !== undefined && res.status !== options.expect) {
    throw new Error(`expected ${options.expect}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  if (res.status !== 200) {
    return res;
  }
  const run = res.body.data as { id: string; source_runs: SourceRun[] };
  const s = run.source_runs[0];
  return {
    status: res.status,
    body: {
      data: {
        ...s.result,
        run_id: run.id,
        source: s.source,
        status: s.status,
        added: s.added,
        updated: s.updated,
        failed: s.failed,
        failures: s.errors,
        error: s.error,
      },
    },
  };
}
