import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';

/**
 * The original clients' odd paths answer as their canonical routes do, without a
 * redirect: same handler, same role, same body, marked deprecated.
 */
describe('legacy route aliases of the original clients', () => {
  let t: TestApp;
  let admin: string;
  let pkd1: number;
  const db = testDb(() => t.database!.url);

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = (await loginAdmin(t)).accessToken;
    pkd1 = (await seedGenes(t.app, SCORING_DATASET)).get('PKD1')!;
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const as = () => ({ Authorization: `Bearer ${admin}` });
  /** A pending staging entry from GenCC; returns its id. */
  const stage = async (text: string, reason: string) =>
    (
      await db.one<{ id: number }>(
        `INSERT INTO gene_staging (source_name, original_text, reason, evidence_data, priority)
         VALUES ('GenCC', $1, $2, '{}', 5) RETURNING id`,
        [text, reason],
      )
    ).id;

  it('serves the staging counts in the original’s bare shape, with or without the slash', async () => {
    const now = (await t.http().get('/api/staging/stats').set(as()).expect(200)).body.data;
    for (const path of ['/api/staging/staging/stats', '/api/staging/staging/stats/']) {
      const old = await t.http().get(path).set(as()).expect(200);
      expect(old.body).toEqual({
        total_pending: now.totals.pending,
        total_approved: now.totals.approved,
        total_rejected: now.totals.rejected,
        by_source: now.pending_by_source,
      });
      expect(old.headers.deprecation).toBe('true');
      expect(old.headers.link).toBe('</api/staging/stats>; rel="successor-version"');
    }
  });

  it('lists pending staging entries as a bare array, ignoring the flag the original ignored', async () => {
    await stage('NOTAGENE1', 'unknown');
    await stage('AMBIG1', 'ambiguous');
    const now = (await t.http().get('/api/staging?limit=5').set(as()).expect(200)).body.data;
    const old = await t
      .http()
      .get('/api/staging/staging/pending?limit=5&requires_expert_review=true')
      .set(as())
      .expect(200);
    expect(Array.isArray(old.body)).toBe(true);
    expect(old.body.map((r: { id: number }) => r.id)).toEqual(now.map((r: { id: number }) => r.id));
    const ambiguous = old.body.find((r: { original_text: string }) => r.original_text === 'AMBIG1');
    expect(ambiguous).toMatchObject({
      source_name: 'GenCC',
      status: 'pending',
      requires_expert_review: true,
      normalization_log: { failure_reason: 'ambiguous' },
    });
    expect(ambiguous).toHaveProperty('priority_score');
    expect(ambiguous).toHaveProperty('original_data');
    // The canonical route still refuses a parameter no client of it sends.
    await t.http().get('/api/staging?requires_expert_review=true').set(as()).expect(400);
  });

  it('rejects through the legacy path with the original’s body (reviewer dropped)', async () => {
    const id = await stage('NOTAGENE2', 'unknown');
    const res = await t
      .http()
      .post(`/api/staging/staging/${id}/reject`)
      .set(as())
      .send({ notes: 'not a gene', reviewer: 'Admin User' })
      .expect(200);
    expect(res.body.data).toMatchObject({ id, status: 'rejected' });
    // The canonical route keeps refusing fields it does not know.
    const other = await stage('NOTAGENE3', 'unknown');
    await t
      .http()
      .post(`/api/staging/${other}/reject`)
      .set(as())
      .send({ notes: 'x', reviewer: 'Admin User' })
      .expect(400);
  });

  it('keeps the canonical route’s role: anonymous staging reads are refused alike', async () => {
    const old = await t.http().get('/api/staging/staging/pending');
    const now = await t.http().get('/api/staging');
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe(now.body.error.code);
  });

  it('serves the per-gene summary under the original’s doubled path', async () => {
    const old = await t.http().get(`/api/annotations/genes/${pkd1}/annotations/summary`);
    const now = await t.http().get(`/api/annotations/genes/${pkd1}/summary`);
    expect(old.status).toBe(now.status);
    // Ours unchanged, with the original's nesting beside it (what the MCP reads).
    expect(old.body).toMatchObject(now.body);
    expect(old.body).toMatchObject({
      symbol: 'PKD1',
      hgnc_id: now.body.summary.hgnc_id,
      identifiers: { ensembl_gene_id: now.body.summary.ensembl_gene_id },
      constraint_scores: { pli: now.body.summary.pli },
    });
    expect(now.body).not.toHaveProperty('constraint_scores');
  });

  it('takes the original frontend’s client logs at /client-logs', async () => {
    await t
      .http()
      .post('/client-logs')
      .send({
        level: 'CRITICAL',
        message: 'TypeError in GeneTable',
        error_type: { name: 'TypeError' },
        error_message: 'x is undefined',
        stack_trace: 'at GeneTable.vue:10',
        url: 'https://x/genes',
        user_agent: 'Mozilla/5.0',
        context: { view: 'genes' },
      })
      .expect(202, { accepted: true });
    // The canonical route keeps its own field names.
    await t
      .http()
      .post('/api/client-logs')
      .send({ level: 'CRITICAL', message: 'x', stack_trace: 'y' })
      .expect(400);
  });

  it('approves through the legacy staging path with the canonical validation', async () => {
    const res = await t.http().post('/api/staging/staging/not-a-number/approve').set(as());
    const canonical = await t.http().post('/api/staging/not-a-number/approve').set(as());
    expect(res.status).toBe(canonical.status);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.error.code).toBe(canonical.body.error.code);
  });

  it('lists every alias in the OpenAPI document as a deprecated copy of its operation', async () => {
    const doc = (await t.http().get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { deprecated?: boolean; 'x-required-role'?: string }>>;
    };
    const legacy = doc.paths['/api/staging/staging/{id}/approve'].post;
    expect(legacy.deprecated).toBe(true);
    expect(legacy['x-required-role']).toBe(
      doc.paths['/api/staging/{id}/approve'].post['x-required-role'],
    );
    expect(doc.paths['/client-logs'].post.deprecated).toBe(true);
  });

  it('leaves other paths alone', async () => {
    await t.http().get('/api/staging/staging/unknown').set(as()).expect(404);
    await t.http().get('/api/staging/staging/stats/extra').set(as()).expect(404);
  });
});
