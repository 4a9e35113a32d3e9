import { configUrls } from '../../../src/admin/sources/source-config.js';
import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import {
  insertCompletedSourceRun,
  insertLeftoverEvidence,
  insertLeftoverSources,
} from '../../factories/data-sources.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';

const ENV = {
  PIPELINE_SCHEDULES: 'ClinGen=0 4 * * *',
  CLINVAR_EUTILS_URL:
    'https://reader:hunter2-secret@eutils.example.org/entrez/eutils?api_key=k3y-value',
};

const orphanWarnings = (t: TestApp) =>
  t.logs.records().filter((r) => String(r.msg).includes('no code defines'));

describe('data-source registry', () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  let admin: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Two instances starting together register the same rows without conflict.
    [first, second] = await Promise.all([
      createTestApp({ databaseUrl: database.url, env: ENV }),
      createTestApp({ databaseUrl: database.url, env: ENV }),
    ]);
    admin = (await loginAdmin(first)).accessToken;
  });

  afterAll(async () => {
    await db.close();
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  const db = testDb(() => database.url);

  it('registers every defined source once, by category, idempotently', async () => {
    const rows = await db.rows<{ name: string; category: string }>(
      'SELECT name, category FROM data_sources ORDER BY name',
    );
    const names = rows.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const byCategory = (c: string) => rows.filter((r) => r.category === c).map((r) => r.name);
    expect(byCategory('evidence').sort()).toEqual([
      'ClinGen',
      'GenCC',
      'HPO',
      'PanelApp',
      'PubTator',
    ]);
    expect(byCategory('upload').sort()).toEqual(['DiagnosticPanels', 'Literature']);
    expect(byCategory('annotation').sort()).toEqual([
      'clinvar',
      'descartes',
      'ensembl',
      'gnomad',
      'go',
      'gtex',
      'hgnc',
      'hpo_phenotypes',
      'mpo_mgi',
      'reactome',
      'string_ppi',
      'uniprot',
    ]);
    expect(byCategory('internal').sort()).toEqual([
      'hgnc_normalization',
      'pipeline',
      'score_refresh',
    ]);
    expect(orphanWarnings(first)).toHaveLength(0);
    expect(orphanWarnings(second)).toHaveLength(0);
  });

  it('shows each source with masked config, last and next run and upstream health', async () => {
    const res = await first
      .http()
      .get('/api/admin/datasources')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const sources = res.body.sources as Record<string, unknown>[];
    const clingen = sources.find((s) => s.name === 'ClinGen')!;
    expect(clingen).toMatchObject({ category: 'evidence', defined: true, last_run: null });
    expect(clingen.next_run_at).toMatch(/T04:00:00\.000Z$/);
    const clinvar = sources.find((s) => s.name === 'clinvar')!;
    const text = JSON.stringify(clinvar.config);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('k3y-value');
    expect(text).toContain('eutils.example.org');
    expect(clinvar.upstream).toEqual([
      expect.objectContaining({ domain: 'eutils.example.org', circuit: 'closed', error_rate: 0 }),
    ]);
    expect(sources.find((s) => s.name === 'pipeline')).toMatchObject({ category: 'internal' });
    // Every upstream source shows where it reads from, from its declaration: STRING and
    // the HPO phenotypes were left out when the config was a list kept apart from the sources.
    for (const s of sources.filter(
      (s) => s.category === 'evidence' || s.category === 'annotation',
    )) {
      expect([s.name, configUrls(s.config).length > 0]).toEqual([s.name, true]);
    }
  });

  it('reports an orphan once per start, lists it, and deletes only orphans', async () => {
    await insertLeftoverSources(db, [
      {
        name: 'annotation_pipeline',
        displayName: 'Old pipeline',
        description: 'left over',
        category: 'internal',
        updatedAt: '2024-01-02T03:04:05Z',
      },
      {
        name: 'RetiredSource',
        displayName: 'Retired',
        description: 'gone',
        category: 'evidence',
        updatedAt: '2024-01-01T00:00:00Z',
      },
    ]);
    // A run of the retired source, later than its row's last change.
    await insertCompletedSourceRun(db, {
      source: 'RetiredSource',
      kind: 'evidence',
      startedAt: '2024-03-01T00:00:00Z',
      finishedAt: '2024-03-01T01:00:00Z',
    });
    const restarted = await createTestApp({ databaseUrl: database.url, env: ENV });
    try {
      const warnings = orphanWarnings(restarted);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ orphans: ['RetiredSource', 'annotation_pipeline'] });
      const token = (await loginAdmin(restarted)).accessToken;
      const auth = { Authorization: `Bearer ${token}` };
      const listed = await restarted
        .http()
        .get('/api/admin/datasources/orphans')
        .set(auth)
        .expect(200);
      expect(listed.body.orphans).toEqual([
        expect.objectContaining({
          name: 'RetiredSource',
          last_activity: '2024-03-01T01:00:00.000Z',
        }),
        expect.objectContaining({
          name: 'annotation_pipeline',
          evidence_count: 0,
          last_activity: '2024-01-02T03:04:05.000Z',
        }),
      ]);
      const refused = await restarted
        .http()
        .delete('/api/admin/datasources/orphans/ClinGen')
        .set(auth)
        .expect(409);
      expect(refused.body.error).toMatchObject({ code: 'CONFLICT' });
      await restarted
        .http()
        .delete('/api/admin/datasources/orphans/annotation_pipeline')
        .set(auth)
        .expect(204);
      await restarted
        .http()
        .delete('/api/admin/datasources/orphans/annotation_pipeline')
        .set(auth)
        .expect(404);
      const after = await restarted
        .http()
        .get('/api/admin/datasources/orphans')
        .set(auth)
        .expect(200);
      expect(after.body.orphans.map((o: { name: string }) => o.name)).toEqual(['RetiredSource']);

      // An orphan's evidence goes with it, and the scores follow (issue 20).
      await insertLeftoverEvidence(db, {
        hgncId: 'HGNC:9008',
        symbol: 'PKD1',
        source: 'RetiredSource',
        currentSource: 'ClinGen',
      });
      const scores = restarted.app.get(ScoreRefresher);
      await scores.refreshNow();
      const evidenceSources = async () =>
        JSON.stringify((await restarted.http().get('/api/genes/PKD1/evidence').expect(200)).body);
      expect(await evidenceSources()).toContain('RetiredSource');
      await restarted
        .http()
        .delete('/api/admin/datasources/orphans/RetiredSource')
        .set(auth)
        .expect(204);
      expect(await db.count('gene_evidence', "source_name = 'RetiredSource'")).toBe(0);
      await scores.settled();
      expect(await evidenceSources()).not.toContain('RetiredSource');
      const detail = await restarted.http().get('/api/genes/PKD1').expect(200);
      expect(detail.body.data.attributes).toMatchObject({
        sources: ['ClinGen'],
        evidence_count: 1,
      });
      // Never deleted automatically: the defined rows are still all there too.
      expect(await db.count('data_sources', "name = 'ClinGen'")).toBe(1);
    } finally {
      await restarted.close();
    }
  });

  it('is for admins only', async () => {
    const viewer = await createUser(first, admin, 'curator');
    await first
      .http()
      .get('/api/admin/datasources/orphans')
      .set('Authorization', `Bearer ${viewer.accessToken}`)
      .expect(403);
    await first.http().get('/api/admin/datasources').expect(401);
  });
});
