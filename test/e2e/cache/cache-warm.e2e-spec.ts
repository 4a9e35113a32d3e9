import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';

describe('cache warming of the public reads', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '100000', CACHE_WARM_TOP_GENES: '2' },
    });
    await seedGenes(t.app, SCORING_DATASET);
    admin = (await loginAdmin(t)).accessToken;
  });
  afterAll(() => t?.close());

  it('fills the keys the real requests use, and reports per source what it warmed', async () => {
    const res = await t
      .http()
      .post('/api/admin/cache/warm')
      .set('Authorization', `Bearer ${admin}`)
      .send({})
      .expect(200);
    expect(res.body.failed).toEqual([]);
    const warmed = Object.fromEntries(
      (res.body.warmed as { source: string; entries: number }[]).map((w) => [w.source, w.entries]),
    );
    // Two list pages, then detail and evidence of the two top genes; five statistics reads.
    expect(warmed).toEqual({ genes: 6, statistics: 5 });

    const top = await t.http().get('/api/genes?page[size]=3');
    const [first, second, third] = (
      top.body.data as { attributes: { approved_symbol: string } }[]
    ).map((g) => g.attributes.approved_symbol);
    for (const url of [
      '/api/genes',
      '/api/genes?filter[hide_zero_scores]=false',
      `/api/genes/${first}`,
      `/api/genes/${second}/evidence`,
      '/api/statistics/summary',
      '/api/statistics/source-overlaps',
      '/api/statistics/source-distributions',
      '/api/statistics/evidence-composition',
      '/api/datasources',
    ]) {
      const hit = await t.http().get(url).expect(200);
      expect([url, hit.headers['x-cache']]).toEqual([url, 'HIT']);
    }
    // Only the configured number of top genes is warmed.
    const beyond = await t.http().get(`/api/genes/${third}`).expect(200);
    expect(beyond.headers['x-cache']).toBe('MISS');
  });
});
