import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';

interface Row {
  id: number;
  role: string;
  username: string;
}
const rows = (res: { body: unknown }): Row[] => (res.body as { data: Row[] }).data;

describe('user management', () => {
  let t: TestApp;
  let admin: { accessToken: string; id: number };

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_LOGIN_PER_MINUTE: '1000' } });
    const session = await loginAdmin(t);
    const me = await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${session.accessToken}`);
    admin = { accessToken: session.accessToken, id: me.body.id as number };
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (url: string) => t.http().get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string) => t.http().post(url).set('Authorization', `Bearer ${token}`),
    put: (url: string) => t.http().put(url).set('Authorization', `Bearer ${token}`),
    delete: (url: string) => t.http().delete(url).set('Authorization', `Bearer ${token}`),
  });

  it('registers users with validation, uniqueness and reserved names', async () => {
    const api = as(admin.accessToken);
    const created = await api
      .post('/api/auth/register')
      .send({
        username: 'jdoe',
        email: 'JDoe@Example.org',
        password: 'Curat0r-Password',
        full_name: 'J Doe',
        role: 'curator',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      username: 'jdoe',
      email: 'jdoe@example.org',
      role: 'curator',
      is_verified: true,
    });
    expect(created.body).not.toHaveProperty('password');

    const dupe = await api
      .post('/api/auth/register')
      .send({ username: 'JDOE', email: 'other@example.org', password: 'Curat0r-Password' })
      .expect(409);
    expect(dupe.body.error.code).toBe('USERNAME_TAKEN');
    const dupeMail = await api
      .post('/api/auth/register')
      .send({ username: 'jdoe2', email: 'jdoe@EXAMPLE.org', password: 'Curat0r-Password' })
      .expect(409);
    expect(dupeMail.body.error.code).toBe('EMAIL_TAKEN');
    const reserved = await api
      .post('/api/auth/register')
      .send({ username: 'root', email: 'root@example.org', password: 'Curat0r-Password' })
      .expect(409);
    expect(reserved.body.error.code).toBe('USERNAME_RESERVED');
    const weak = await api
      .post('/api/auth/register')
      .send({ username: 'weakling', email: 'w@example.org', password: 'password1' })
      .expect(400);
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    const invalid = await api
      .post('/api/auth/register')
      .send({ username: 'a b', email: 'nope', password: 'x', role: 'superuser', extra: 1 })
      .expect(400);
    const fields = (invalid.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['email', 'extra', 'role', 'username']);
  });

  it("registers with the original frontend's body, is_active and is_verified included", async () => {
    const api = as(admin.accessToken);
    // Exactly what the original Users page sends.
    const created = await api
      .post('/api/auth/register')
      .send({
        username: 'pending_curator',
        email: 'pending@example.org',
        full_name: 'Pending Curator',
        password: 'Pend1ng-Curat0r',
        role: 'curator',
        is_active: false,
        is_verified: false,
      })
      .expect(201);
    expect(created.body).toMatchObject({ is_active: false, is_verified: false, role: 'curator' });
    const stored = await api.get(`/api/auth/users/${created.body.id as number}`).expect(200);
    expect(stored.body).toMatchObject({ is_active: false, is_verified: false });
    // Created disabled: it cannot sign in until an admin enables it.
    const refused = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'pending_curator', password: 'Pend1ng-Curat0r' })
      .expect(403);
    expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
    await api
      .put(`/api/auth/users/${created.body.id as number}`)
      .send({ is_active: true })
      .expect(200);
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'pending_curator', password: 'Pend1ng-Curat0r' })
      .expect(200);

    const defaults = await api
      .post('/api/auth/register')
      .send({ username: 'plain_viewer', email: 'plain@example.org', password: 'Pla1n-Viewer!' })
      .expect(201);
    expect(defaults.body).toMatchObject({ is_active: true, is_verified: true, role: 'viewer' });
    const wrong = await api
      .post('/api/auth/register')
      .send({
        username: 'typed_wrong',
        email: 'typed@example.org',
        password: 'Typ3d-Wrong!',
        is_active: 'yes',
        is_superuser: true,
      })
      .expect(400);
    const fields = (wrong.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['is_active', 'is_superuser']);
  });

  it('lists users with pagination and filters', async () => {
    const api = as(admin.accessToken);
    for (let i = 0; i < 3; i++) {
      await createUser(t, admin.accessToken, 'viewer');
    }
    const page = await api.get('/api/admin/users?page=1&page_size=2').expect(200);
    expect(page.body.data).toHaveLength(2);
    expect(page.body.meta).toMatchObject({ page: 1, page_size: 2 });
    expect(page.body.meta.total).toBeGreaterThanOrEqual(5);
    expect(page.body.meta.pages).toBe(Math.ceil(page.body.meta.total / 2));

    const viewers = await api.get('/api/admin/users?role=viewer&page_size=100').expect(200);
    expect(rows(viewers).every((u) => u.role === 'viewer')).toBe(true);
    const search = await api.get('/api/admin/users?search=JDOE').expect(200);
    expect(rows(search).map((u) => u.username)).toEqual(['jdoe']);
    const wildcard = await api.get('/api/admin/users?search=%25').expect(200);
    expect(wildcard.body.data).toEqual([]);
    await api.get('/api/admin/users?page_size=1000').expect(400);
    await api.get('/api/admin/users?is_active=maybe').expect(400);
  });

  it('answers GET /api/auth/users with a bare array, as the original Users page reads it', async () => {
    const api = as(admin.accessToken);
    await createUser(t, admin.accessToken, 'curator');
    const all = await api.get('/api/auth/users').expect(200);
    expect(Array.isArray(all.body)).toBe(true);
    const users = all.body as (Row & Record<string, unknown>)[];
    const paged = await api.get('/api/admin/users?page_size=100').expect(200);
    expect(users.map((u) => u.id)).toEqual(rows(paged).map((u) => u.id));
    expect(all.headers['x-total-count']).toBe(String(paged.body.meta.total));
    // The columns the page shows, and its active count (`.filter(is_active)`).
    for (const key of ['username', 'email', 'full_name', 'role', 'is_active', 'is_verified']) {
      expect(users[0]).toHaveProperty(key);
    }
    expect(users[0]).toHaveProperty('last_login');
    const curators = await api.get('/api/auth/users?role=curator').expect(200);
    expect((curators.body as Row[]).every((u) => u.role === 'curator')).toBe(true);
    expect(curators.headers['x-total-count']).toBe(String((curators.body as Row[]).length));
    // Pagination belongs to /api/admin/users; here it is an unknown parameter.
    const paging = await api.get('/api/auth/users?page=2').expect(400);
    expect(paging.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('updates users; role changes end their sessions', async () => {
    const api = as(admin.accessToken);
    const user = await createUser(t, admin.accessToken, 'viewer');
    const updated = await api
      .put(`/api/auth/users/${user.id}`)
      .send({ role: 'curator', full_name: 'Promoted' })
      .expect(200);
    expect(updated.body).toMatchObject({ role: 'curator', full_name: 'Promoted' });
    await t.http().post('/api/auth/refresh').send({ refresh_token: user.refreshToken }).expect(401);
    await api.put('/api/auth/users/999999').send({ full_name: 'x' }).expect(404);
    await api.put('/api/auth/users/abc').send({ full_name: 'x' }).expect(400);
  });

  it('an admin cannot demote, deactivate or delete themself', async () => {
    const api = as(admin.accessToken);
    const demote = await api
      .put(`/api/auth/users/${admin.id}`)
      .send({ role: 'viewer' })
      .expect(409);
    expect(demote.body.error.code).toBe('SELF_DEMOTION');
    await api.put(`/api/auth/users/${admin.id}`).send({ is_active: false }).expect(409);
    const del = await api.delete(`/api/auth/users/${admin.id}`).expect(409);
    expect(del.body.error.code).toBe('SELF_DELETION');
  });

  it('two admins demoting each other at once leave exactly one admin', async () => {
    const a = await createUser(t, admin.accessToken, 'admin');
    const b = await createUser(t, admin.accessToken, 'admin');
    // Leave a and b as the only active admins.
    await as(a.accessToken)
      .put(`/api/auth/users/${admin.id}`)
      .send({ role: 'curator' })
      .expect(200);
    const results = await Promise.all([
      as(a.accessToken).put(`/api/auth/users/${b.id}`).send({ role: 'viewer' }),
      as(b.accessToken).put(`/api/auth/users/${a.id}`).send({ role: 'viewer' }),
    ]);
    // The loser is refused as the last admin, or, when the winner's demotion (which ends
    // the demoted admin's sessions) committed before its request was authenticated, 401.
    const outcomes = results.map((r) => `${r.status} ${r.body.error?.code ?? ''}`.trim()).sort();
    expect(outcomes[0]).toBe('200');
    expect(['401 TOKEN_REVOKED', '409 LAST_ADMIN']).toContain(outcomes[1]);
    const survivor = results[0].status === 200 ? a : b;
    const admins = await as(survivor.accessToken)
      .get('/api/admin/users?role=admin&is_active=true')
      .expect(200);
    expect(rows(admins).map((u) => u.id)).toEqual([survivor.id]);
    // The survivor is the last admin: deleting it is refused whoever asks.
    const last = await as(survivor.accessToken)
      .delete(`/api/auth/users/${survivor.id}`)
      .expect(409);
    expect(last.body.error.code).toBe('SELF_DELETION');
    await as(survivor.accessToken)
      .put(`/api/auth/users/${admin.id}`)
      .send({ role: 'admin' })
      .expect(200);
    admin.accessToken = (await loginAdmin(t)).accessToken;
  });

  it('deletes users', async () => {
    const user = await createUser(t, admin.accessToken, 'viewer');
    await as(admin.accessToken).delete(`/api/auth/users/${user.id}`).expect(200);
    await as(admin.accessToken).get(`/api/auth/users/${user.id}`).expect(404);
    const gone = await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .expect(401);
    expect(gone.body.error.code).toBe('INVALID_TOKEN');
  });
});
