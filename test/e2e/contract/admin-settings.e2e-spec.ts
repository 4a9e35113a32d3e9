import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';

interface Setting {
  id: number;
  key: string;
  value: unknown;
  value_type: string;
  category: string;
  requires_restart: boolean;
  is_sensitive: boolean;
  is_readonly: boolean;
}

/**
 * The original Settings page (frontend/src/composables/useSettingsApi.ts) against this
 * service: it calls with fetch, addresses settings by numeric id, sends `change_reason`
 * and parses JSON from every success.
 */
describe('original admin Settings page', () => {
  let t: TestApp;
  let bearer: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '100000', METRICS_TOKEN: 'scrape-token-0123456789abcdef' },
    });
    // fetch sends only Authorization, no X-Requested-With.
    bearer = { Authorization: `Bearer ${(await loginAdmin(t)).accessToken}` };
  });
  afterAll(() => t.close());

  const settings = async (query = 'limit=500&offset=0'): Promise<Setting[]> =>
    (await t.http().get(`/api/admin/settings/?${query}`).set(bearer).expect(200)).body.settings;
  const byKey = async (key: string) => (await settings()).find((s) => s.key === key)!;

  it('lists settings with the id and flags the page reads, filtered by category', async () => {
    const all = await settings();
    expect(all.length).toBeGreaterThan(0);
    for (const s of all) {
      expect(s).toEqual(
        expect.objectContaining({
          id: expect.any(Number),
          key: expect.any(String),
          value_type: expect.stringMatching(/^(string|number|boolean|json)$/),
          category: expect.any(String),
          description: expect.any(String),
          requires_restart: expect.any(Boolean),
          is_sensitive: expect.any(Boolean),
          is_readonly: expect.any(Boolean),
        }),
      );
      expect(s).toHaveProperty('value');
    }
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    expect((await byKey('metrics.token')).value).toBe('***MASKED***');
    const cache = await settings('category=cache&limit=500&offset=0');
    expect(cache.length).toBeGreaterThan(0);
    expect(cache.every((s) => s.category === 'cache')).toBe(true);
    // A category the original had and this service has no setting in: an empty list.
    expect(await settings('category=backup&limit=500&offset=0')).toEqual([]);
    expect(await settings('limit=2&offset=1')).toEqual(all.slice(1, 3));
  });

  it('updates by id with change_reason, answering JSON with setting.requires_restart', async () => {
    const ttl = await byKey('cache.default_ttl_seconds');
    const res = await t
      .http()
      .put(`/api/admin/settings/${ttl.id}`)
      .set(bearer)
      .set('Content-Type', 'application/json')
      .send({ value: 1234, change_reason: 'contract test' })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.setting).toMatchObject({ id: ttl.id, value: 1234, requires_restart: false });
    expect((await byKey('cache.default_ttl_seconds')).value).toBe(1234);
    // The page sends null when the operator gives no reason.
    await t
      .http()
      .put(`/api/admin/settings/${ttl.id}`)
      .set(bearer)
      .send({ value: 1235, change_reason: null })
      .expect(200);
  });

  it('shows a setting’s history by id with change_reason', async () => {
    const ttl = await byKey('cache.default_ttl_seconds');
    const res = await t
      .http()
      .get(`/api/admin/settings/${ttl.id}/history?limit=50`)
      .set(bearer)
      .expect(200);
    const [latest, earlier] = res.body.history;
    expect(latest).toMatchObject({ new_value: 1235, change_reason: null });
    expect(earlier).toMatchObject({
      id: expect.any(Number),
      changed_at: expect.any(String),
      changed_by_id: expect.any(Number),
      change_reason: 'contract test',
      old_value: expect.anything(),
      new_value: 1234,
    });
    expect(earlier).toHaveProperty('ip_address');
  });

  it('serves the cards’ statistics, the categories and the whole audit trail', async () => {
    const all = await settings();
    const stats = (await t.http().get('/api/admin/settings/stats').set(bearer).expect(200)).body;
    expect(stats).toMatchObject({
      total: all.length,
      requires_restart: all.filter((s) => s.requires_restart).length,
      recent_changes_24h: 2,
    });
    const categories = (
      await t.http().get('/api/admin/settings/categories').set(bearer).expect(200)
    ).body.categories as { name: string; count: number }[];
    expect(categories.find((c) => c.name === 'cache')?.count).toBe(
      all.filter((s) => s.category === 'cache').length,
    );
    expect(categories.reduce((n, c) => n + c.count, 0)).toBe(all.length);
    const audit = (
      await t.http().get('/api/admin/settings/audit/all?limit=100').set(bearer).expect(200)
    ).body;
    expect(audit.total).toBe(2);
    expect(audit.history.map((h: { change_reason: string | null }) => h.change_reason)).toEqual([
      null,
      'contract test',
    ]);
  });

  it('refuses bad ids, bad input and a read-only setting in the one envelope', async () => {
    const missing = await t.http().get('/api/admin/settings/999999/history').set(bearer);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    await t.http().put('/api/admin/settings/0').set(bearer).send({ value: 1 }).expect(400);
    const readOnly = await byKey('database.pool_size');
    expect(readOnly.is_readonly).toBe(true);
    await t
      .http()
      .put(`/api/admin/settings/${readOnly.id}`)
      .set(bearer)
      .send({ value: 5, change_reason: null })
      .expect(409);
    await t.http().get('/api/admin/settings/?limit=501').set(bearer).expect(400);
    await t.http().get('/api/admin/settings/?category=Cache!').set(bearer).expect(400);
    await t.http().get('/api/admin/settings/?search=x').set(bearer).expect(400);
    await t.http().get('/api/admin/settings/audit/all?limit=501').set(bearer).expect(400);
    const ttl = await byKey('cache.default_ttl_seconds');
    await t
      .http()
      .put(`/api/admin/settings/${ttl.id}`)
      .set(bearer)
      .send({ value: 1, change_reason: 7 })
      .expect(400);
  });

  it('keeps addressing by key', async () => {
    const res = await t
      .http()
      .get('/api/admin/settings/cache.default_ttl_seconds')
      .set(bearer)
      .expect(200);
    expect(res.body).toMatchObject({ key: 'cache.default_ttl_seconds', value: 1235 });
  });
});
