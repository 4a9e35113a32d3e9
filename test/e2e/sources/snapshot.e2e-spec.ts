import { SnapshotIngestion } from '../../../src/annotation-sources/snapshot/snapshot-ingestion.service.js';
import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';

describe('offline snapshot ingested on first start', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        SNAPSHOT_INGEST_ON_START: 'true',
        RATE_LIMIT_PER_MINUTE: '100000',
        HGNC_NORMALIZE: 'true',
      },
    });
    await t.app.get(SnapshotIngestion).done;
    await t.app.get(ScoreRefresher).settled();
  });
  afterAll(() => t.close());

  it('serves scored genes from every snapshot source, per-gene sources as written by hand', async () => {
    const expected: Record<string, string[]> = {
      PKD1: ['ClinGen', 'GenCC', 'HPO', 'PanelApp'],
      PKD2: ['ClinGen', 'HPO', 'PanelApp'],
      NPHS1: ['GenCC', 'HPO', 'PanelApp'],
      UMOD: ['ClinGen', 'HPO'],
      GANAB: ['ClinGen', 'GenCC', 'PanelApp'],
      COL4A5: ['ClinGen', 'PanelApp'],
      VHL: ['PanelApp'],
      // Neither row carries an HGNC id and no local gene matched: HGNC resolved them.
      NPHP1: ['GenCC'],
      TMEM67: ['HPO'],
    };
    for (const [symbol, sources] of Object.entries(expected)) {
      const res = await t.http().get(`/api/genes/${symbol}/evidence`).expect(200);
      const names = (res.body.data as { attributes: { source_name: string } }[])
        .map((e) => e.attributes.source_name)
        .sort();
      expect([symbol, names]).toEqual([symbol, sources]);
    }
    const list = await t
      .http()
      .get('/api/genes?filter[hide_zero_scores]=false&page[size]=100')
      .expect(200);
    // ClinGen 9 + GenCC's NPHS1 + PanelApp's 11 new genes + NPHP1 and TMEM67 via HGNC.
    expect(list.body.meta.total_genes).toBe(23);
    const top = await t.http().get('/api/genes?page[size]=1').expect(200);
    expect(top.body.data[0].attributes.approved_symbol).toBe('PKD1');
  });

  it('creates the genes HGNC resolved under their HGNC ids, leaving nothing in staging', async () => {
    const service = t.app.get(
      (await import('../../../src/genes/staging/staging.service.js')).StagingService,
    );
    const { rows } = await service.list({ status: 'pending', limit: 50, offset: 0 });
    expect(rows).toEqual([]);
    const tmem67 = await t.http().get('/api/genes/TMEM67').expect(200);
    expect(tmem67.body.data.attributes.hgnc_id).toBe('HGNC:28396');
    const nphp1 = await t.http().get('/api/genes/NPHP1').expect(200);
    expect(nphp1.body.data.attributes.hgnc_id).toBe('HGNC:7905');
  });

  it('does not ingest again once there is evidence', async () => {
    const second = await createTestApp({
      databaseUrl: t.database!.url,
      env: { SNAPSHOT_INGEST_ON_START: 'true' },
    });
    try {
      expect(second.app.get(SnapshotIngestion).done).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});
