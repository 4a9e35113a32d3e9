import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { eventually } from '../../support/wait.js';

interface SourceRun {
  source: string;
  kind: string;
  status: string;
  updated: number;
  failed: number;
  error: string | null;
  result: { genes_total?: number } | null;
}

interface Run {
  id: string;
  kind: string;
  status: string;
  gene_ids: number[] | null;
  source_runs: SourceRun[];
}

/** The offline snapshot (real formats on loopback) stands in for every upstream. */
describe('full pipeline runs over the offline snapshot', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { UPSTREAM_MODE: 'snapshot', HGNC_NORMALIZE: 'true', RATE_LIMIT_PER_MINUTE: '100000' },
    });
    admin = (await loginAdmin(t)).accessToken;
  });
  afterAll(() => t.close());

  const db = () => t.app.get<DataSource>(getDataSourceToken());
  const as = () => ({ Authorization: `Bearer ${admin}` });

  async function finished(res: { status: number; body: { data: Run } }): Promise<Run> {
    expect(res.status).toBe(202);
    let run = res.body.data;
    const ended = await eventually(async () => {
      run = (await t.http().get(`/api/annotations/pipeline/runs/${run.id}`).set(as()).expect(200))
        .body.data as Run;
      return ['completed', 'failed', 'cancelled'].includes(run.status);
    }, 60_000);
    expect(ended).toBe(true);
    return run;
  }

  const failures = async (source: string) =>
    (
      await db().query<{ gene_id: number }[]>(
        'SELECT gene_id FROM annotation_failures WHERE source = $1 ORDER BY gene_id',
        [source],
      )
    ).map((r) => r.gene_id);

  it('takes an empty database to scored, annotated genes in one run', async () => {
    const run = await finished(
      await t.http().post('/api/annotations/pipeline/update').set(as()).send({}),
    );
    const bySource = Object.fromEntries(run.source_runs.map((s) => [s.source, s]));
    for (const s of ['PanelApp', 'ClinGen', 'GenCC', 'HPO', 'PubTator']) {
      expect([s, bySource[s].status]).toEqual([s, 'completed']);
    }
    for (const s of ['hgnc', 'clinvar', 'gnomad', 'gtex', 'uniprot', 'ensembl']) {
      expect([s, bySource[s].kind]).toEqual([s, 'annotation']);
    }
    // The snapshot answers for every gene it holds: no annotation source failed on any.
    for (const s of [
      'hgnc',
      'clinvar',
      'gnomad',
      'gtex',
      'uniprot',
      'ensembl',
      'mpo_mgi',
      'descartes',
      'go',
      'reactome',
    ]) {
      expect([s, bySource[s]]).toEqual([
        s,
        expect.objectContaining({ status: 'completed', failed: 0 }),
      ]);
    }
    expect(run.status).toBe('completed');
    expect(bySource.hgnc.updated).toBeGreaterThanOrEqual(100);
    const gene = await t.http().get('/api/genes/PKD1').expect(200);
    expect(gene.body.data.attributes.evidence_score).toBeGreaterThan(0);
    const summary = await t
      .http()
      .get(`/api/annotations/genes/${gene.body.data.id}/summary`)
      .expect(200);
    expect(summary.body.summary).toMatchObject({
      hgnc_id: 'HGNC:9008',
      ensembl_gene_id: 'ENSG00000008710',
    });
    expect(summary.body.summary.sources).toEqual(expect.arrayContaining(['hgnc', 'gnomad']));
  });

  it('update-missing annotates only the genes without a row from that source', async () => {
    const [{ id }] = await db().query<{ id: number }[]>(
      `SELECT id FROM genes WHERE approved_symbol = 'PKD2'`,
    );
    await db().query(`DELETE FROM gene_annotations WHERE gene_id = $1 AND source = 'hgnc'`, [id]);
    const res = await t.http().post('/api/annotations/pipeline/update-missing/hgnc').set(as());
    // The original Annotations page's toast reads `count` (and the task id).
    expect(res.body).toMatchObject({ count: 1, task_id: res.body.data.id });
    const run = await finished(res);
    expect(run).toMatchObject({ kind: 'update-missing', status: 'completed' });
    expect(run.source_runs).toEqual([
      expect.objectContaining({
        source: 'hgnc',
        updated: 1,
        result: expect.objectContaining({ genes_total: 1 }),
      }),
    ]);
  });

  it('update-failed retries exactly the genes a source failed on', async () => {
    // An earlier run that failed on two genes (an upstream outage, say) left these records.
    const ids = (
      await db().query<{ id: number }[]>(
        `SELECT id FROM genes WHERE approved_symbol IN ('PKD2', 'NPHS1') ORDER BY id`,
      )
    ).map((r) => r.id);
    await db().query(`DELETE FROM gene_annotations WHERE source = 'gnomad' AND gene_id = ANY($1)`, [
      ids,
    ]);
    await db().query(
      `INSERT INTO annotation_failures (gene_id, source, reason)
       SELECT unnest($1::int[]), 'gnomad', 'gnomAD: 503 Service Unavailable'`,
      [ids],
    );
    expect(await failures('gnomad')).toEqual(ids);
    const res = await t
      .http()
      .post('/api/annotations/pipeline/update-failed')
      .set(as())
      .send({ sources: ['gnomad'] });
    expect(res.body.count).toBe(ids.length);
    const run = await finished(res);
    expect(run.kind).toBe('update-failed');
    expect(run.source_runs[0].result?.genes_total).toBe(ids.length);
    // The snapshot answers them now: the failures are cleared and the rows are back.
    expect(await failures('gnomad')).toEqual([]);
    const rows = await db().query<{ gene_id: number }[]>(
      `SELECT gene_id FROM gene_annotations WHERE source = 'gnomad' AND gene_id = ANY($1)
       ORDER BY gene_id`,
      [ids],
    );
    expect(rows.map((r) => r.gene_id)).toEqual(ids);
  });

  it('update-new annotates only genes added since the last full update, even a failed one', async () => {
    // A full update that ends failed (one source failing) still annotated the genes it had:
    // they are not new.
    await db().query(`UPDATE pipeline_runs SET status = 'failed' WHERE kind = 'update'`);
    const created = await t
      .http()
      .post('/api/genes')
      .set(as())
      .send({ hgnc_id: 'HGNC:7910', approved_symbol: 'NPHS2X', name: 'test gene' });
    expect(created.status).toBe(201);
    // `days_back`, which the original page sends (and the original ignored), is accepted.
    const res = await t
      .http()
      .post('/api/annotations/pipeline/update-new?days_back=7')
      .set(as())
      .send({ sources: ['hgnc'] });
    expect(res.body.count).toBe(1);
    const run = await finished(res);
    expect(run.gene_ids).toEqual([Number(created.body.data.id)]);
    expect(run.source_runs[0].result?.genes_total).toBe(1);
    // Evidence sources do not take part in annotation-only runs.
    const refused = await t
      .http()
      .post('/api/annotations/pipeline/update-new')
      .set(as())
      .send({ sources: ['ClinGen'] })
      .expect(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('takes the original page’s query-string update: strategies map onto runs', async () => {
    const selective = await t
      .http()
      .post('/api/annotations/pipeline/update?strategy=selective&sources=hgnc&force=false')
      .set(as());
    expect(selective.body.task_id).toBe(selective.body.data.id);
    const run = await finished(selective);
    expect(run).toMatchObject({ kind: 'update', sources: ['hgnc'], status: 'completed' });
    const incremental = await t
      .http()
      .post('/api/annotations/pipeline/update?strategy=incremental&sources=hgnc&sources=gnomad')
      .set(as());
    // Only the gene added by the update-new test lacks a row (gnomAD's).
    expect(incremental.body.count).toBe(1);
    expect(await finished(incremental)).toMatchObject({
      kind: 'update-missing',
      sources: ['hgnc', 'gnomad'],
    });
    // The original page's key for HPO phenotypes is `hpo`: the annotation source, never
    // the HPO evidence source that a case-insensitive match would find.
    const hpo = await t
      .http()
      .post('/api/annotations/pipeline/update?strategy=selective&sources=hpo')
      .set(as())
      .expect(202);
    expect(await finished(hpo)).toMatchObject({ kind: 'update', sources: ['hpo_phenotypes'] });
    const missingHpo = await t
      .http()
      .post('/api/annotations/pipeline/update-missing/hpo')
      .set(as())
      .expect(202);
    expect(await finished(missingHpo)).toMatchObject({
      kind: 'update-missing',
      sources: ['hpo_phenotypes'],
    });
    const evidence = await t
      .http()
      .post('/api/annotations/pipeline/update?strategy=selective&sources=ClinGen')
      .set(as())
      .expect(400);
    expect(JSON.stringify(evidence.body.error.details)).toContain('hpo_phenotypes');
    const unnamed = await t
      .http()
      .post('/api/annotations/pipeline/update?strategy=selective')
      .set(as())
      .expect(400);
    expect(unnamed.body.error.code).toBe('VALIDATION_FAILED');
    await t.http().post('/api/annotations/pipeline/update?strategy=sideways').set(as()).expect(400);
  });

  it('re-annotates one gene from the named sources (the original keys too), admin only', async () => {
    const [{ id }] = await db().query<{ id: number }[]>(
      `SELECT id FROM genes WHERE approved_symbol = 'PKD1'`,
    );
    const path = `/api/annotations/genes/${id}/annotations/update`;
    const res = await t.http().post(`${path}?sources=hgnc&sources=hpo`).set(as());
    expect(res.body).toMatchObject({
      status: 'update_scheduled',
      gene_id: id,
      sources: ['hgnc', 'hpo_phenotypes'],
    });
    const run = await finished(res);
    expect(run).toMatchObject({ kind: 'update', gene_ids: [id], status: 'completed' });
    // The gene had both rows already: it is annotated again, not skipped.
    for (const source of run.source_runs) {
      expect([source.source, source.result?.genes_total]).toEqual([source.source, 1]);
    }
    // Evidence sources are not annotation sources, even in lower case.
    await t.http().post(`${path}?sources=clingen`).set(as()).expect(400);
    await t.http().post('/api/annotations/genes/999999/annotations/update').set(as()).expect(404);
    await t.http().post(path).expect(401);
  });
});
