import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';

/** The original's percentile maintenance routes over the stored STRING percentiles. */
describe('STRING percentile maintenance', () => {
  let t: TestApp;
  let admin: string;
  let curator: string;
  let ids: Map<string, number>;
  const db = testDb(() => t.database!.url);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const percentile = async (gene: string) =>
    (
      await db.one<{ p: unknown }>(
        `SELECT annotations->'ppi_percentile' AS p FROM gene_annotations
         WHERE source = 'string_ppi' AND gene_id = $1`,
        [ids.get(gene)],
      )
    ).p;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = (await loginAdmin(t)).accessToken;
    curator = (await createUser(t, admin, 'curator')).accessToken;
    ids = await seedGenes(t.app, SCORING_DATASET);
    const row = (gene: string, annotations: object, status = 'data') =>
      db.exec(
        `INSERT INTO gene_annotations (gene_id, source, version, annotations, source_metadata)
         VALUES ($1, 'string_ppi', '12.0', $2, $3)`,
        [ids.get(gene), annotations, { status }],
      );
    // Scores 1, 2, 2, 5 rank 0, ⅓, ⅓, 1 (PERCENT_RANK: lower scores ÷ (rows − 1)).
    await row('PKD1', { ppi_score: 5, ppi_percentile: 1 });
    await row('PKD2', { ppi_score: 2, ppi_percentile: 0.3333 });
    await row('COL4A5', { ppi_score: 2, ppi_percentile: 0.9 }); // stale
    await row('UMOD', { ppi_score: 1 }); // never ranked
    await row('NPHS1', { no_data_available: true }, 'no_data'); // not ranked at all
  });

  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('finds the stored percentiles that differ from the rank of the stored scores', async () => {
    await t
      .http()
      .get('/api/annotations/percentiles/validate/string_ppi')
      .set(as(curator))
      .expect(403);
    const res = await t
      .http()
      .get('/api/annotations/percentiles/validate/string_ppi')
      .set(as(admin))
      .expect(200);
    expect(res.body).toMatchObject({
      source: 'string_ppi',
      valid: false,
      total: 4,
      mismatched: 2,
      max_deviation: 1,
    });
    expect(res.body.mismatches).toEqual([
      { gene_id: ids.get('UMOD'), gene_symbol: 'UMOD', stored: null, expected: 0 },
      { gene_id: ids.get('COL4A5'), gene_symbol: 'COL4A5', stored: 0.9, expected: 0.3333 },
    ]);
  });

  it('rewrites only those, and then validates', async () => {
    await t
      .http()
      .post('/api/annotations/percentiles/refresh?source=string_ppi')
      .set(as(curator))
      .expect(403);
    const res = await t
      .http()
      .post('/api/annotations/percentiles/refresh?source=string_ppi')
      .set(as(admin))
      .expect(200);
    expect(res.body).toMatchObject({
      status: 'completed',
      source: 'string_ppi',
      total: 4,
      updated: 2,
    });
    expect(await percentile('UMOD')).toBe(0);
    expect(await percentile('COL4A5')).toBe(0.3333);
    expect(await percentile('PKD1')).toBe(1);
    const check = await t
      .http()
      .get('/api/annotations/percentiles/validate/string_ppi')
      .set(as(admin))
      .expect(200);
    expect(check.body).toMatchObject({ valid: true, mismatched: 0, max_deviation: 0 });
    const again = await t
      .http()
      .post('/api/annotations/percentiles/refresh?source=string_ppi')
      .set(as(admin))
      .expect(200);
    expect(again.body.updated).toBe(0);
  });

  it('names the one source with percentiles when asked for another (the original answered {})', async () => {
    for (const res of [
      await t.http().get('/api/annotations/percentiles/validate/gnomad').set(as(admin)),
      await t.http().post('/api/annotations/percentiles/refresh?source=gtex').set(as(admin)),
      await t.http().post('/api/annotations/percentiles/refresh').set(as(admin)),
    ]) {
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain('string_ppi');
    }
  });
});
