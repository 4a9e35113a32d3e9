import { elapseLoginBackoff, elapseRefreshRotations } from '../../factories/auth-state.js';
import {
  createTestApp,
  TEST_ADMIN_PASSWORD,
  TEST_JWT_SECRET,
  type TestApp,
} from '../../support/app-factory.js';
import { createUser, login, loginAdmin, refreshCookieFrom } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';

describe('login, sessions and lockout', () => {
  let t: TestApp;
  let adminToken: string;
  const db = testDb(() => t.database!.url);

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_LOGIN_PER_MINUTE: '1000', LOGIN_BACKOFF_BASE_SECONDS: '30' },
    });
    adminToken = (await loginAdmin(t)).accessToken;
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('logs in with JSON or an OAuth2 form, by username or e-mail', async () => {
    const json = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD })
      .expect(200);
    expect(json.body).toEqual({
      access_token: expect.stringMatching(/^ey/),
      token_type: 'bearer',
      expires_in: 1800,
    });
    const cookie = ([] as string[]).concat(json.headers['set-cookie'] ?? [])[0];
    expect(cookie).toMatch(/^refresh_token=rt_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    expect(cookie).toMatch(/Secure/);
    expect(json.headers['cache-control']).toBe('no-store');

    await t
      .http()
      .post('/api/auth/login')
      .type('form')
      .send({
        grant_type: 'password',
        username: 'ADMIN@kidney-genetics.local',
        password: TEST_ADMIN_PASSWORD,
      })
      .expect(200);
  });

  it('signs HS256 access tokens with role and expiry', async () => {
    const { accessToken } = await loginAdmin(t);
    const [header, payload] = accessToken
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    expect(header.alg).toBe('HS256');
    expect(payload).toMatchObject({ role: 'admin', typ: 'access', iss: 'kidney-genetics-db' });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(1800);
    const me = await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({ username: 'admin', role: 'admin', is_active: true });
    expect(me.body.permissions).toContain('users:write');
    expect(me.body).not.toHaveProperty('password_hash');
  });

  it('rejects wrong passwords and unknown users alike', async () => {
    const wrong = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'admin', password: 'nope' })
      .expect(401);
    const unknown = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'ghost', password: 'nope' })
      .expect(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.error).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: wrong.body.error.message,
    });
  });

  it('after 5 failures an account name backs off with 429, and nothing is locked', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    for (let i = 1; i <= 5; i++) {
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: user.username, password: 'bad' })
        .expect(401);
    }
    // The sixth attempt is not verified at all, whatever the password.
    const waiting = await t
      .http()
      .post('/api/auth/login')
      .send({ username: user.username, password: user.password })
      .expect(429);
    expect(waiting.body.error.code).toBe('LOGIN_THROTTLED');
    const retryAfter = Number(waiting.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    // The signed-in session goes on.
    await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .expect(200);
    await t.http().post('/api/auth/refresh').send({ refresh_token: user.refreshToken }).expect(200);

    // The wait passes (moved back in the database rather than waited for).
    await elapseLoginBackoff(db, '31 seconds');
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: user.username, password: user.password })
      .expect(200);
    // A success starts a fresh count.
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: user.username, password: 'bad' })
      .expect(401);
  });

  it('rotates refresh tokens and revokes the family when an old one is reused', async () => {
    const { refreshToken: first } = await loginAdmin(t);
    const rotated = await t
      .http()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${first}`)
      .set('X-Requested-With', 'XMLHttpRequest')
      .expect(200);
    expect(rotated.body.access_token).toMatch(/^ey/);
    expect(rotated.body).not.toHaveProperty('refresh_token');
    const second = refreshCookieFrom(rotated.headers['set-cookie']);
    expect(second).not.toBe(first);

    // The first token again once the reuse grace is over: reuse. The whole family dies,
    // including the second token.
    await elapseRefreshRotations(db, '11 seconds');
    const reuse = await t
      .http()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${first}`)
      .set('X-Requested-With', 'XMLHttpRequest')
      .expect(401);
    expect(reuse.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    const afterReuse = await t
      .http()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${second}`)
      .set('X-Requested-With', 'XMLHttpRequest')
      .expect(401);
    expect(afterReuse.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('answers parallel refreshes with one cookie with one successor, all signed in', async () => {
    const { refreshToken: first } = await loginAdmin(t);
    const refresh = (token: string) =>
      t
        .http()
        .post('/api/auth/refresh')
        .set('Cookie', `refresh_token=${token}`)
        .set('X-Requested-With', 'XMLHttpRequest')
        .send({});
    // The original client starts one refresh per request that got a 401, all at once.
    const answers = await Promise.all([refresh(first), refresh(first), refresh(first)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const successors = answers.map((r) => refreshCookieFrom(r.headers['set-cookie']));
    expect(new Set(successors).size).toBe(1);
    expect(successors[0]).not.toBe(first);
    for (const res of answers) {
      await t
        .http()
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${res.body.access_token as string}`)
        .expect(200);
    }
    // One live successor: the family goes on from it.
    const next = await refresh(successors[0]).expect(200);
    expect(refreshCookieFrom(next.headers['set-cookie'])).not.toBe(successors[0]);
    const live = await db.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM refresh_tokens
       WHERE revoked_at IS NULL
         AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = encode(sha256($1::bytea), 'hex'))`,
      [first],
    );
    expect(live[0].n).toBe(1);
  });

  it('gives no successor during the grace once the session is logged out', async () => {
    const { accessToken, refreshToken: first } = await loginAdmin(t);
    await t
      .http()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${first}`)
      .set('X-Requested-With', 'XMLHttpRequest')
      .expect(200);
    await t
      .http()
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({})
      .expect(200);
    const again = await t
      .http()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${first}`)
      .set('X-Requested-With', 'XMLHttpRequest')
      .expect(401);
    expect(again.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('hands back no successor that is not on record (rotated before this release)', async () => {
    const { refreshToken: first } = await loginAdmin(t);
    const rotated = await t
      .http()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${first}`)
      .set('X-Requested-With', 'XMLHttpRequest')
      .expect(200);
    const second = refreshCookieFrom(rotated.headers['set-cookie']);
    // As if the successor had been random: its stored hash is not the derived one.
    await db.exec(
      "UPDATE refresh_tokens SET token_hash = repeat('0', 64) WHERE token_hash = encode(sha256($1::bytea), 'hex')",
      [second],
    );
    const again = await t
      .http()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${first}`)
      .set('X-Requested-With', 'XMLHttpRequest')
      .expect(401);
    expect(again.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('requires the CSRF header for cookie refreshes, not for body tokens', async () => {
    const { refreshToken } = await loginAdmin(t);
    const res = await t
      .http()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${refreshToken}`)
      .expect(403);
    expect(res.body.error.code).toBe('CSRF_CHECK_FAILED');
    const viaBody = await t
      .http()
      .post('/api/auth/refresh')
      .send({ refresh_token: refreshToken })
      .expect(200);
    expect(viaBody.body.refresh_token).toMatch(/^rt_/);
    await t.http().post('/api/auth/refresh').send({ refresh_token: 'rt_unknown' }).expect(401);
  });

  it('stores refresh tokens only as hashes', async () => {
    const { refreshToken } = await loginAdmin(t);
    const rows = await db.rows<{ token_hash: string }>('SELECT token_hash FROM refresh_tokens');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(refreshToken);
  });

  it('logout revokes the session and clears the cookie', async () => {
    const session = await loginAdmin(t);
    const out = await t
      .http()
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${session.accessToken}`)
      .set('Cookie', `refresh_token=${session.refreshToken}`)
      .expect(200);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).join()).toMatch(
      /refresh_token=;/,
    );
    await t
      .http()
      .post('/api/auth/refresh')
      .send({ refresh_token: session.refreshToken })
      .expect(401);
  });

  it('logout everywhere revokes every session of the user', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const a = user;
    const b = await login(t, user.username, user.password);
    await t
      .http()
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${a.accessToken}`)
      .send({ everywhere: true })
      .expect(200);
    await t.http().post('/api/auth/refresh').send({ refresh_token: b.refreshToken }).expect(401);
  });

  it('changing the password revokes sessions and older access tokens', async () => {
    const user = await createUser(t, adminToken, 'curator');
    const weak = await t
      .http()
      .post('/api/auth/change-password')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .send({ current_password: user.password, new_password: 'short' })
      .expect(400);
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    await t
      .http()
      .post('/api/auth/change-password')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .send({ current_password: 'wrong', new_password: 'Another-Str0ng-One' })
      .expect(403);
    await t
      .http()
      .post('/api/auth/change-password')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .send({ current_password: user.password, new_password: 'Another-Str0ng-One' })
      .expect(200);
    const stale = await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .expect(401);
    expect(stale.body.error.code).toBe('TOKEN_REVOKED');
    await t.http().post('/api/auth/refresh').send({ refresh_token: user.refreshToken }).expect(401);
    await login(t, user.username, 'Another-Str0ng-One');
  });

  it('a disabled account loses access at once', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    await t
      .http()
      .put(`/api/auth/users/${user.id}`)
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ is_active: false })
      .expect(200);
    const res = await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .expect(401);
    expect(res.body.error.code).toBe('ACCOUNT_DISABLED');
    const again = await t
      .http()
      .post('/api/auth/login')
      .send({ username: user.username, password: user.password })
      .expect(403);
    expect(again.body.error.code).toBe('ACCOUNT_DISABLED');
  });

  it('writes no password, token or signing key to any log line', async () => {
    const session = await loginAdmin(t);
    await t
      .http()
      .post('/api/auth/refresh')
      .send({ refresh_token: session.refreshToken })
      .expect(200);
    const text = t.logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [
      TEST_ADMIN_PASSWORD,
      session.accessToken,
      session.refreshToken,
      TEST_JWT_SECRET,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
