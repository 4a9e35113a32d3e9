import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';

interface Row {
  id: number;
  username: string;
}

describe('the bare-array user list is bounded', () => {
  let t: TestApp;
  let token: string;
  const db = testDb(() => t.database!.url);

  beforeAll(async () => {
    t = await createTestApp();
    token = (await loginAdmin(t)).accessToken;
    // More users than the cap; inserted directly, as registering 1,005 would hash 1,005
    // passwords. None of them ever signs in.
    await db.exec(
      `INSERT INTO users (username, email, password_hash, role)
       SELECT 'bulk_' || n, 'bulk_' || n || '@example.org', 'not-a-hash', 'viewer'
       FROM generate_series(1, 1005) AS n`,
    );
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('returns the first 1,000 users by id and the full count in X-Total-Count', async () => {
    const res = await t
      .http()
      .get('/api/auth/users')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const users = res.body as Row[];
    expect(users).toHaveLength(1000);
    expect(res.headers['x-total-count']).toBe('1006');
    const ids = users.map((u) => u.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(users[0].username).toBe('admin');

    // The rest is reachable through the paginated list.
    const last = await t
      .http()
      .get('/api/admin/users?page=11&page_size=100')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect((last.body.data as Row[]).map((u) => u.username)).toEqual(
      Array.from({ length: 6 }, (_, i) => `bulk_${1000 + i}`),
    );
  });
});
