import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { EvidenceWriter } from '../../../src/genes/evidence/evidence-writer.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';

const envelope = (docs: unknown[]) => ({
  responseHeader: { status: 0, QTime: 1 },
  response: { numFound: docs.length, start: 0, docs },
});
const TMEM67 = {
  hgnc_id: 'HGNC:28396',
  symbol: 'TMEM67',
  status: 'Approved',
  prev_symbol: ['MKS3'],
};

/**
 * The Staging page's "test normalization" (stored genes first, then HGNC; stores nothing)
 * and its success-rate card.
 */
describe('POST /api/staging/normalization/test', () => {
  const hgnc = new FixtureServer();
  let t: TestApp;
  let curator: string;

  beforeAll(async () => {
    await hgnc.start();
    hgnc.json('GET', '/search/symbol/MKS3', envelope([]));
    hgnc.json('GET', '/fetch/prev_symbol/MKS3', envelope([TMEM67]));
    hgnc.json('GET', '/search/symbol/NOTHING1', envelope([]));
    hgnc.json('GET', '/fetch/prev_symbol/NOTHING1', envelope([]));
    hgnc.json('GET', '/fetch/alias_symbol/NOTHING1', envelope([]));
    t = await createTestApp({
      env: {
        HGNC_URL: hgnc.baseUrl,
        HGNC_NORMALIZE: 'true',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=100',
        UPSTREAM_BACKOFF_BASE_MS: '5',
        UPSTREAM_MAX_ATTEMPTS: '2',
      },
    });
    const admin = (await loginAdmin(t)).accessToken;
    curator = (await createUser(t, admin, 'curator')).accessToken;
    await t.app.get(EvidenceWriter).ingest(
      'ClinGen',
      [
        {
          symbol: 'PKD1',
          hgncId: 'HGNC:9008',
          data: {},
          detail: 'PKD1',
          gene: { name: null, aliases: ['PBP'], previousSymbols: [] },
        },
      ],
      { stagingPriority: 95 },
    );
  });
  afterAll(async () => {
    await t.close();
    await hgnc.stop();
  });

  const probe = (text: string) =>
    t
      .http()
      .post(
        `/api/staging/normalization/test?gene_text=${encodeURIComponent(text)}&source_name=Manual%20Test`,
      )
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);

  it('answers from the stored genes by symbol or alias, without asking HGNC', async () => {
    const asked = hgnc.requests.length;
    expect((await probe(' pbp ')).body).toEqual({
      success: true,
      result: { approved_symbol: 'PKD1', hgnc_id: 'HGNC:9008', method: 'local_alias' },
      error: null,
    });
    expect((await probe('PKD1')).body.result.method).toBe('local_symbol');
    expect(hgnc.requests.length).toBe(asked);
  });

  it('asks HGNC for the rest, and creates no gene and no staging entry', async () => {
    const db = t.app.get<DataSource>(getDataSourceToken());
    const count = async () =>
      (
        await db.query<{ genes: number; staged: number }[]>(
          `SELECT (SELECT count(*) FROM genes)::int AS genes, (SELECT count(*) FROM gene_staging)::int AS staged`,
        )
      )[0];
    const before = await count();
    expect((await probe('MKS3')).body).toEqual({
      success: true,
      result: { approved_symbol: 'TMEM67', hgnc_id: 'HGNC:28396', method: 'hgnc_prev_symbol' },
      error: null,
    });
    expect((await probe('NOTHING1')).body).toEqual({
      success: false,
      result: null,
      error: 'no gene matches',
    });
    expect(await count()).toEqual(before);
  });

  it('counts how often automatic normalization found the gene (GET normalization/stats)', async () => {
    const db = t.app.get<DataSource>(getDataSourceToken());
    await t.app
      .get(EvidenceWriter)
      .ingest('ClinGen', [{ symbol: 'PKD2', hgncId: 'HGNC:9009', data: {}, detail: 'PKD2' }], {
        stagingPriority: 95,
      });
    // ClinGen: 2 evidence rows, one of them approved from staging, and one still pending.
    await db.query(
      `INSERT INTO gene_staging (source_name, original_text, reason, evidence_data, priority, status)
       VALUES ('ClinGen', 'PKD-2', 'unknown', '{}', 3, 'approved'),
              ('ClinGen', 'NOTAGENE', 'unknown', '{}', 3, 'pending'),
              ('GenCC', 'NOTAGENE', 'unknown', '{}', 3, 'rejected')`,
    );
    const res = await t
      .http()
      .get('/api/staging/normalization/stats')
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);
    expect(res.body).toEqual({
      total_attempts: 4,
      successful_attempts: 1,
      // A fraction: the original Staging page multiplies it by 100 (it showed 2500%).
      success_rate: 0.25,
      success_percentage: 25,
      by_source: {
        ClinGen: {
          total_attempts: 3,
          successful_attempts: 1,
          success_rate: 0.3333,
          success_percentage: 33.3,
        },
        GenCC: {
          total_attempts: 1,
          successful_attempts: 0,
          success_rate: 0,
          success_percentage: 0,
        },
      },
    });
  });

  it('lists the failed attempts newest first (GET normalization/logs)', async () => {
    const logs = (query: string) =>
      t
        .http()
        .get(`/api/staging/normalization/logs?${query}`)
        .set('Authorization', `Bearer ${curator}`)
        .expect(200);
    const two = (await logs('limit=2')).body as Record<string, unknown>[];
    expect(two.map((e) => [e.source_name, e.original_text, e.success])).toEqual([
      ['GenCC', 'NOTAGENE', false],
      ['ClinGen', 'NOTAGENE', false],
    ]);
    expect(two[0].normalization_log).toEqual({
      failure_reason: 'unknown',
      candidates: [],
      status: 'rejected',
    });
    const clingen = (await logs('source_filter=ClinGen')).body as { original_text: string }[];
    expect(clingen.map((e) => e.original_text)).toEqual(['NOTAGENE', 'PKD-2']);
    expect((await logs('success_filter=true')).body).toEqual([]);
    await t
      .http()
      .get('/api/staging/normalization/logs?limit=501')
      .set('Authorization', `Bearer ${curator}`)
      .expect(400);
  });

  it('wants a gene text', async () => {
    await t
      .http()
      .post('/api/staging/normalization/test')
      .set('Authorization', `Bearer ${curator}`)
      .expect(400);
  });
});
