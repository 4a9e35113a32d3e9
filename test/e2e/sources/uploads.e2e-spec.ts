import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import writeXlsxFile from 'write-excel-file/node';

import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import { seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';

interface Evidence {
  source_name: string;
  source_detail: string;
  evidence_data: Record<string, unknown>;
}

describe('upload sources: diagnostic panels and literature', () => {
  let t: TestApp;
  let curator: string;
  let viewer: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const admin = (await loginAdmin(t)).accessToken;
    curator = (await createUser(t, admin, 'curator')).accessToken;
    viewer = (await createUser(t, admin, 'viewer')).accessToken;
    await seedGenes(t.app, [
      { symbol: 'PKD1', hgncId: 'HGNC:9008' },
      { symbol: 'PKD2', hgncId: 'HGNC:9009' },
      { symbol: 'NPHS1', hgncId: 'HGNC:7908' },
      { symbol: 'NPHS2', hgncId: 'HGNC:13394' },
      { symbol: 'COL4A5', hgncId: 'HGNC:2207' },
      { symbol: 'UMOD', hgncId: 'HGNC:12559', previousSymbols: ['ADMCKD2'] },
    ]);
  });
  afterAll(() => t.close());

  const upload = (
    source: string,
    file: Buffer | string,
    name: string,
    fields: Record<string, string> = {},
    token = curator,
  ) => {
    let req = t
      .http()
      .post(`/api/ingestion/${source}/upload`)
      .set('Authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(fields)) {
      req = req.field(k, v);
    }
    return req.attach('file', Buffer.isBuffer(file) ? file : Buffer.from(file), name);
  };

  const evidence = async (symbol: string, source: string): Promise<Evidence | undefined> => {
    await t.app.get(ScoreRefresher).settled();
    const res = await t.http().get(`/api/genes/${symbol}/evidence`).expect(200);
    return (res.body.data as { attributes: Evidence }[])
      .map((e) => e.attributes)
      .find((e) => e.source_name === source);
  };

  const db = () => t.app.get<DataSource>(getDataSourceToken());

  const invitae = JSON.stringify({
    provider_name: 'Invitae',
    provider_type: 'laboratory',
    genes: [
      { symbol: 'PKD1', panels: ['Polycystic Kidney Disease Panel'], hgnc_id: 'HGNC:9008' },
      { symbol: 'PKD2', panels: ['Polycystic Kidney Disease Panel'] },
      { symbol: 'NPHS1', panels: ['Nephrotic Syndrome Panel', 'Comprehensive Renal Panel'] },
      { symbol: 'N/A', panels: ['Comprehensive Renal Panel'] },
    ],
  });

  it('stores a provider’s panels per gene from JSON, with history, hash and audit', async () => {
    const res = await upload('DiagnosticPanels', invitae, 'invitae.json').expect(201);
    expect(res.body.data).toMatchObject({
      source: 'DiagnosticPanels',
      identifier: 'Invitae',
      format: 'json',
      mode: 'merge',
      rows: 4,
      genes: 3,
      added: 3,
      failed: 1,
      same_content_as: null,
    });
    expect(res.body.data.failures[0].reason).toMatch(/placeholder/);
    expect(res.body.data.file_hash).toMatch(/^[0-9a-f]{64}$/);
    const nphs1 = await evidence('NPHS1', 'DiagnosticPanels');
    expect(nphs1?.evidence_data).toMatchObject({
      providers: ['Invitae'],
      provider_count: 1,
      panel_count: 2,
      panels_by_provider: {
        Invitae: ['Comprehensive Renal Panel', 'Nephrotic Syndrome Panel'],
      },
    });
    const history = await t
      .http()
      .get('/api/ingestion/DiagnosticPanels/uploads')
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);
    expect(history.body.data.uploads[0]).toMatchObject({
      identifier: 'Invitae',
      file_name: 'invitae.json',
      status: 'completed',
      file_hash: res.body.data.file_hash,
      gene_count: 3,
    });
    const audit = await t
      .http()
      .get('/api/ingestion/DiagnosticPanels/audit')
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);
    expect(audit.body.data.audit_records[0]).toMatchObject({
      action: 'upload',
      identifier: 'Invitae',
    });
    // The same bytes again are accepted and flagged.
    const again = await upload('DiagnosticPanels', invitae, 'invitae.json').expect(201);
    expect(again.body.data.same_content_as).toBe(res.body.data.upload_id);
  });

  it('keeps each provider’s panels apart when a second provider names the same gene (CSV)', async () => {
    const csv = 'Gene,Panel_Name\nPKD1,Kidney Disease Panel\nCOL4A5,Alport Syndrome Panel\n';
    await upload('DiagnosticPanels', csv, 'cegat.csv', { identifier: 'CeGaT' }).expect(201);
    const pkd1 = await evidence('PKD1', 'DiagnosticPanels');
    expect(pkd1?.evidence_data).toMatchObject({
      providers: ['CeGaT', 'Invitae'],
      provider_count: 2,
      panel_count: 2,
    });
    expect(pkd1?.source_detail).toBe('DiagnosticPanels: 2 panels from CeGaT, Invitae');
    const ids = await t.http().get('/api/ingestion/DiagnosticPanels/identifiers').expect(200);
    expect(ids.body.data.identifiers).toEqual([
      expect.objectContaining({ identifier: 'CeGaT', gene_count: 2 }),
      expect.objectContaining({ identifier: 'Invitae', gene_count: 3 }),
    ]);
  });

  it('replace takes the provider out first; the gene it no longer lists loses it', async () => {
    const tsv = 'symbol\tpanels\nPKD1\tKidney Disease Panel\n';
    const res = await upload('DiagnosticPanels', tsv, 'cegat.tsv', {
      identifier: 'CeGaT',
      mode: 'replace',
    }).expect(201);
    expect(res.body.data.replaced).toEqual({ genes_updated: 1, genes_removed: 1 });
    expect(await evidence('COL4A5', 'DiagnosticPanels')).toBeUndefined();
    expect((await evidence('PKD1', 'DiagnosticPanels'))?.evidence_data.providers).toEqual([
      'CeGaT',
      'Invitae',
    ]);
  });

  it('deleting a provider removes it and its panels from every gene', async () => {
    const res = await t
      .http()
      .delete('/api/ingestion/DiagnosticPanels/identifiers/Invitae')
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);
    expect(res.body.data).toMatchObject({ genes_updated: 1, genes_removed: 2 });
    const pkd1 = await evidence('PKD1', 'DiagnosticPanels');
    expect(pkd1?.evidence_data).toMatchObject({
      providers: ['CeGaT'],
      panels: ['Kidney Disease Panel'],
      panel_count: 1,
    });
    expect(await evidence('NPHS1', 'DiagnosticPanels')).toBeUndefined();
    await t
      .http()
      .delete('/api/ingestion/DiagnosticPanels/identifiers/Invitae')
      .set('Authorization', `Bearer ${curator}`)
      .expect(404);
    const audit = await t
      .http()
      .get('/api/ingestion/DiagnosticPanels/audit?limit=1')
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);
    expect(audit.body.data.audit_records[0]).toMatchObject({
      action: 'delete_identifier',
      identifier: 'Invitae',
    });
  });

  it('reads literature from XLSX and JSON, one publication per upload, and scores it', async () => {
    const xlsx = await writeXlsxFile([
      [{ value: 'Gene Symbol' }, { value: 'hgnc_id' }],
      [{ value: 'NPHS2' }, { value: 'HGNC:13394' }],
      [{ value: 'ADMCKD2' }, { value: '' }],
    ]).toBuffer();
    const first = await upload('Literature', xlsx, 'groopman.xlsx', {
      identifier: '30586318',
    }).expect(201);
    // ADMCKD2 is a previous symbol of UMOD: resolved locally, not lost.
    expect(first.body.data).toMatchObject({ format: 'xlsx', genes: 2, added: 2, staged: 0 });
    const json = JSON.stringify({
      pmid: '26862157',
      title: 'A kidney genetics publication',
      journal: 'Kidney Int',
      genes: [{ symbol: 'NPHS2' }, { symbol: 'NOTAGENE1' }],
    });
    const second = await upload('Literature', json, 'paper.json').expect(201);
    expect(second.body.data).toMatchObject({ identifier: '26862157', staged: 1 });
    const nphs2 = await evidence('NPHS2', 'Literature');
    expect(nphs2?.evidence_data).toMatchObject({
      publications: ['26862157', '30586318'],
      publication_count: 2,
      publication_details: { '26862157': { title: 'A kidney genetics publication' } },
    });
    const gene = await t.http().get('/api/genes/NPHS2').expect(200);
    expect(gene.body.data.attributes.sources).toContain('Literature');
    expect(gene.body.data.attributes.score_breakdown.Literature).toBeGreaterThan(0);
  });

  it('withdrawing one upload rebuilds its identifier from the uploads that remain', async () => {
    const a = await upload('Literature', 'symbol\nPKD2\nCOL4A5\n', 'a.csv', {
      identifier: '31027891',
    }).expect(201);
    await upload('Literature', 'symbol\nPKD2\n', 'b.csv', { identifier: '31027891' }).expect(201);
    const res = await t
      .http()
      .delete(`/api/ingestion/Literature/uploads/${a.body.data.upload_id}`)
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);
    expect(res.body.data.rebuilt_from_uploads).toHaveLength(1);
    expect(await evidence('COL4A5', 'Literature')).toBeUndefined();
    expect((await evidence('PKD2', 'Literature'))?.evidence_data.publications).toEqual([
      '31027891',
    ]);
    await t
      .http()
      .delete(`/api/ingestion/Literature/uploads/${a.body.data.upload_id}`)
      .set('Authorization', `Bearer ${curator}`)
      .expect(404);
  });

  it('rejects bad uploads with a clear 4xx and stores nothing', async () => {
    const [{ n: before }] = await db().query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM evidence_uploads',
    );
    const code = async (res: Promise<{ status: number; body: { error: { code: string } } }>) => {
      const r = await res;
      return [r.status, r.body.error?.code];
    };
    expect(await code(upload('Nope', invitae, 'x.json'))).toEqual([404, 'SOURCE_NOT_FOUND']);
    expect(await code(upload('DiagnosticPanels', invitae, 'x.json', {}, viewer))).toEqual([
      403,
      'INSUFFICIENT_ROLE',
    ]);
    expect(
      await code(
        t
          .http()
          .post('/api/ingestion/DiagnosticPanels/upload')
          .set('Authorization', `Bearer ${curator}`)
          .field('identifier', 'X'),
      ),
    ).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(upload('DiagnosticPanels', '{"genes": [', 'x.json'))).toEqual([
      400,
      'UPLOAD_UNUSABLE',
    ]);
    expect(
      await code(upload('DiagnosticPanels', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2]), 'x.xls')),
    ).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(
      await code(upload('DiagnosticPanels', 'symbol\nNA\n', 'x.csv', { identifier: 'X' })),
    ).toEqual([400, 'UPLOAD_UNUSABLE']);
    expect(await code(upload('DiagnosticPanels', 'symbol\nPKD1\n', 'x.csv'))).toEqual([
      400,
      'VALIDATION_FAILED',
    ]);
    expect(
      await code(
        upload('DiagnosticPanels', 'symbol\nPKD1\n', 'x.csv', { identifier: 'X', mode: 'wipe' }),
      ),
    ).toEqual([400, 'VALIDATION_FAILED']);
    expect(
      await code(
        upload('DiagnosticPanels', 'symbol\nPKD1\n', 'x.csv', { identifier: 'X', extra: '1' }),
      ),
    ).toEqual([400, 'VALIDATION_FAILED']);
    const big = Buffer.alloc(50 * 1024 * 1024 + 1, 0x41);
    expect(await code(upload('DiagnosticPanels', big, 'big.csv', { identifier: 'X' }))).toEqual([
      413,
      'PAYLOAD_TOO_LARGE',
    ]);
    const [{ n: after }] = await db().query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM evidence_uploads',
    );
    expect(after).toBe(before);
  });

  it('answers the original Hybrid Sources page in the fields it reads (issue 21)', async () => {
    const csv = 'Gene,Panel_Name\nUMOD,Tubulointerstitial Panel\n';
    // The page sends `provider_name` instead of `identifier`.
    const res = await upload('DiagnosticPanels', csv, 'blueprint.csv', {
      provider_name: 'Blueprint',
    }).expect(201);
    expect(res.body.data).toMatchObject({
      identifier: 'Blueprint',
      status: 'success',
      genes_processed: 1,
      storage_stats: { created: 1, merged: 0 },
    });
    expect(res.body.data.message).toEqual(expect.any(String));
    const as = { Authorization: `Bearer ${curator}` };
    const status = await t.http().get('/api/ingestion/DiagnosticPanels/status').expect(200);
    expect(status.body.data).toMatchObject({
      evidence_records: expect.any(Number),
      unique_genes: status.body.data.genes,
    });
    const uploads = await t
      .http()
      .get('/api/ingestion/DiagnosticPanels/uploads?limit=50&offset=0')
      .set(as)
      .expect(200);
    expect(uploads.body.data.uploads[0]).toMatchObject({
      evidence_name: 'Blueprint',
      original_filename: 'blueprint.csv',
      upload_status: 'completed',
      uploaded_by: expect.any(Number),
      uploaded_at: expect.any(String),
      gene_count: 1,
      genes_normalized: 1,
      genes_failed: 0,
    });
    const audit = await t
      .http()
      .get('/api/ingestion/DiagnosticPanels/audit?limit=50&offset=0')
      .set(as)
      .expect(200);
    expect(audit.body.data.audit_records[0]).toMatchObject({
      action: 'upload',
      performed_by: expect.any(String),
      performed_at: expect.any(String),
      details: expect.any(Object),
    });
    const ids = await t.http().get('/api/ingestion/DiagnosticPanels/identifiers').expect(200);
    expect(ids.body.data.identifiers).toContainEqual(
      expect.objectContaining({
        identifier: 'Blueprint',
        gene_count: 1,
        last_updated: expect.any(String),
      }),
    );
  });
});
