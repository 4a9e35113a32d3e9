import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import { createTestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import { servePanelApp } from '../../support/panelapp-fixture.js';
import { runSource } from '../../support/sources.js';

describe('PanelApp UK and Australia against the fixture server', () => {
  const upstream = new FixtureServer();
  let urls: { uk: string; au: string };

  beforeAll(async () => {
    await upstream.start();
    urls = servePanelApp(upstream);
  });
  afterAll(() => upstream.stop());

  async function run(levels?: string) {
    const t = await createTestApp({
      env: {
        PANELAPP_UK_URL: urls.uk,
        PANELAPP_AU_URL: urls.au,
        UPSTREAM_RATE_LIMITS: '127.0.0.1=200',
        ...(levels ? { PANELAPP_CONFIDENCE_LEVELS: levels } : {}),
      },
    });
    const token = (await loginAdmin(t)).accessToken;
    const res = await runSource(t, token, 'PanelApp', { expect: 200 });
    await t.app.get(ScoreRefresher).settled();
    return { t, result: res.body.data };
  }

  it('follows every page, keeps kidney panels and Green plus Amber genes', async () => {
    const before = upstream.requests.length;
    const { t, result } = await run();
    try {
      // UK: PKD1 PKD2 GANAB DNAJB11 ALG9 SEC61A1 CEP290 (283) + 5 tubulopathy genes (292);
      // AU: PKD1 PKD2 COL4A5 NPHS1 (275) + VHL FH (3278). BBS1 is Red; one entry has no symbol.
      expect(result).toMatchObject({
        status: 'completed',
        genes: 16,
        added: 16,
        staged: 0,
        failed: 1,
      });
      const paths = upstream.requests.slice(before).map((r) => r.url.split('?')[0]);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/uk/api/v1/panels/',
          '/uk/api/v1/panels/283/',
          '/uk/api/v1/panels/292/',
          '/au/api/v1/panels/275/',
        ]),
      );
      // The porphyria and adrenal panels were never fetched.
      expect(paths).not.toContain('/uk/api/v1/panels/1207/');
      expect(paths).not.toContain('/uk/api/v1/panels/366/');
      const evidence = await t.http().get('/api/genes/PKD1/evidence').expect(200);
      const panelapp = evidence.body.data.find(
        (e: { attributes: { source_name: string } }) => e.attributes.source_name === 'PanelApp',
      );
      expect(panelapp.attributes.evidence_data).toMatchObject({
        panel_count: 2,
        regions: ['Australia', 'UK'],
        evidence_levels: ['green'],
      });
      const amber = await t.http().get('/api/genes/SEC61A1/evidence').expect(200);
      expect(amber.body.data[0].attributes.evidence_data.panels[0]).toMatchObject({
        id: 283,
        version: '5.3',
        region: 'UK',
        confidence: 'amber',
      });
      await t.http().get('/api/genes/BBS1').expect(404);
    } finally {
      await t.close();
    }
  });

  it('keeps Green genes only when configured so', async () => {
    const { t, result } = await run('3,4');
    try {
      expect(result).toMatchObject({ status: 'completed', genes: 14 });
      await t.http().get('/api/genes/CEP290').expect(404);
    } finally {
      await t.close();
    }
  });
});
