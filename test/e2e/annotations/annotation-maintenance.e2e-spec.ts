import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

/**
 * The original Annotations page's cards and buttons: statistics, scheduler jobs and their
 * trigger, validation of the stored rows and the score refresh.
 */
describe('annotation maintenance for the original Annotations page', () => {
  let t: TestApp;
  let admin: string;
  let curator: string;
  let ids: Map<string, number>;
  const db = testDb(() => t.database!.url);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '100000', PIPELINE_SCHEDULES: 'ClinGen=0 4 * * *' },
    });
    admin = (await loginAdmin(t)).accessToken;
    curator = (await createUser(t, admin, 'curator')).accessToken;
    ids = await seedGenes(t.app, SCORING_DATASET);
    const row = (gene: string, source: string, annotations: object, status = 'data') =>
      db.exec(
        `INSERT INTO gene_annotations (gene_id, source, version, annotations, source_metadata)
         VALUES ($1, $2, 'v1', $3, $4)`,
        [ids.get(gene), source, annotations, { status }],
      );
    await row('PKD1', 'hgnc', { ncbi_gene_id: '5310' });
    await row('PKD1', 'gnomad', { constraint: { pli: 1 } });
    await row('PKD2', 'hgnc', { symbol: 'PKD2' }); // no NCBI gene id
    await row('UMOD', 'gnomad', { constraint: { lof_z: 2 } }); // no pLI
    await row('NPHS1', 'gnomad', { no_data: true }, 'no_data'); // no data: not an issue
  });

  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('counts genes with annotations, with both HGNC and gnomAD, and per source', async () => {
    const res = await t.http().get('/api/annotations/statistics').expect(200);
    expect(res.body).toMatchObject({ total_genes_with_annotations: 4, genes_with_both_sources: 1 });
    const by = Object.fromEntries(
      (res.body.sources as { source: string; last_update: string | null }[]).map((s) => [
        s.source,
        s,
      ]),
    );
    expect(by.hgnc).toMatchObject({ gene_count: 2, annotation_count: 2 });
    expect(by.gnomad).toMatchObject({ gene_count: 3 });
    expect(typeof by.gnomad.last_update).toBe('string');
  });

  it('flags data rows lacking what their source is read for, admin only', async () => {
    await t.http().post('/api/annotations/pipeline/validate').set(as(curator)).expect(403);
    const all = await t
      .http()
      .post('/api/annotations/pipeline/validate')
      .set(as(admin))
      .expect(200);
    expect(all.body).toMatchObject({ total_annotations: 4, issues_found: 2 });
    expect(all.body.issues).toEqual([
      { gene_id: ids.get('UMOD'), gene_symbol: 'UMOD', source: 'gnomad', issue: 'no pli' },
      { gene_id: ids.get('PKD2'), gene_symbol: 'PKD2', source: 'hgnc', issue: 'no ncbi_gene_id' },
    ]);
    const hgnc = await t
      .http()
      .post('/api/annotations/pipeline/validate?source=hgnc')
      .set(as(admin))
      .expect(200);
    expect(hgnc.body).toMatchObject({ total_annotations: 2, issues_found: 1 });
  });

  it('rebuilds the gene scores on refresh-view, admin only', async () => {
    const score = async () =>
      (
        await db.rows<{ s: number }>(
          'SELECT coalesce(max(percentage_score), 0)::float AS s FROM gene_scores WHERE gene_id = $1',
          [ids.get('UMOD')],
        )
      )[0].s;
    expect(await score()).toBeGreaterThan(0);
    // Evidence removed behind the app's back: the scores are stale until refreshed.
    await db.exec('DELETE FROM gene_evidence WHERE gene_id = $1', [ids.get('UMOD')]);
    expect(await score()).toBeGreaterThan(0);
    await t.http().post('/api/annotations/refresh-view').set(as(curator)).expect(403);
    const res = await t.http().post('/api/annotations/refresh-view').set(as(admin)).expect(200);
    expect(res.body.status).toBe('success');
    expect(await score()).toBe(0);
  });

  it('lists the configured schedules as scheduler jobs, publicly', async () => {
    const res = await t.http().get('/api/annotations/scheduler/jobs').expect(200);
    expect(res.body).toMatchObject({ scheduler_running: true, total_jobs: 1 });
    expect(res.body.jobs).toEqual([
      {
        id: 'ClinGen',
        name: 'Scheduled update of ClinGen',
        next_run: expect.stringMatching(/T04:00:00\.000Z$/),
        trigger: 'cron[0 4 * * *] (UTC)',
      },
    ]);
  });

  it('triggers a job as the run its schedule queues; unknown jobs are 404', async () => {
    await t.http().post('/api/annotations/scheduler/trigger/ClinGen').set(as(curator)).expect(403);
    await t.http().post('/api/annotations/scheduler/trigger/nightly').set(as(admin)).expect(404);
    const res = await t
      .http()
      .post('/api/annotations/scheduler/trigger/ClinGen')
      .set(as(admin))
      .expect(202);
    expect(res.body).toMatchObject({ status: 'triggered', job_id: 'ClinGen' });
    expect(res.body.data).toMatchObject({ kind: 'source', sources: ['ClinGen'] });
    const ended = await eventually(
      async () =>
        (await db.count('pipeline_runs', `status IN ('queued', 'running', 'cancelling')`)) === 0,
      60_000,
    );
    expect(ended).toBe(true);
  });

  it('resets annotation rows and failure records by source and genes, admin only', async () => {
    await db.exec(
      `INSERT INTO annotation_failures (gene_id, source, reason) VALUES ($1, 'hgnc', 'test')`,
      [ids.get('PKD2')],
    );
    await t.http().delete('/api/annotations/reset?source=gnomad').set(as(curator)).expect(403);
    const one = await t
      .http()
      .delete(`/api/annotations/reset?source=gnomad&gene_ids=${ids.get('UMOD')}`)
      .set(as(admin))
      .expect(200);
    expect(one.body).toMatchObject({ status: 'completed', deleted: 1, affected_genes: 1 });
    expect(await db.count('gene_annotations', `source = 'gnomad'`)).toBe(2);
    const all = await t.http().delete('/api/annotations/reset').set(as(admin)).expect(200);
    expect(all.body).toMatchObject({ deleted: 4, affected_genes: 3 });
    expect(await db.count('gene_annotations')).toBe(0);
    expect(await db.count('annotation_failures')).toBe(0);
    await t.http().delete('/api/annotations/reset?gene_ids=abc').set(as(admin)).expect(400);
  });
});
