import { elapseLoginBackoff } from '../../factories/auth-state.js';
import { createTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../../support/app-factory.js';
import { createUser, login, loginAdmin } from '../../support/auth.js';
import { SmtpFixture } from '../../support/smtp-fixture.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

/**
 * Login and account abuse: nobody can lock an account or end its sessions, a known and
 * an unknown name answer alike, throttles hold per IP, per account and for the whole
 * instance, sessions end when they are ended, and reset mails are limited per account.
 */
describe('login abuse', () => {
  let t: TestApp;
  let smtp: SmtpFixture;
  let adminToken: string;
  let ipCounter = 0;
  const db = testDb(() => t.database!.url);

  beforeAll(async () => {
    smtp = new SmtpFixture();
    t = await createTestApp({
      env: {
        TRUST_PROXY: 'true',
        SMTP_URL: await smtp.start(),
        RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: '30',
        // A first wait longer than any pause between two requests of a test.
        LOGIN_BACKOFF_BASE_SECONDS: '30',
        RATE_LIMIT_FORGOT_PASSWORD_PER_HOUR: '100',
      },
    });
    adminToken = (await loginAdmin(t)).accessToken;
  });
  afterAll(async () => {
    await db.close();
    await t.close();
    await smtp.stop();
  });

  /** A client address no other test uses (the app trusts X-Forwarded-For here). */
  const freshIp = (): string => {
    ipCounter += 1;
    return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
  };
  const attempt = (username: string, password: string, ip = freshIp()) =>
    t.http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });

  /** Lets every login name's back-off run out, as if its wait had passed. */
  const elapseBackoff = () => elapseLoginBackoff(db, '1 hour');

  it('failed logins from many IPs never lock the admin out nor end its sessions', async () => {
    const session = await loginAdmin(t);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await attempt('admin', 'wrong-guess')).status);
    }
    expect(statuses).not.toContain(423);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);

    // The open session and its refresh go on.
    await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${session.accessToken}`)
      .expect(200);
    await t
      .http()
      .post('/api/auth/refresh')
      .send({ refresh_token: session.refreshToken })
      .expect(200);
    // Once the wait has passed the right password is accepted.
    await elapseBackoff();
    await attempt('admin', TEST_ADMIN_PASSWORD).expect(200);
  });

  it('a browser that signed in to the account before skips its back-off', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const first = await attempt(user.username, user.password).expect(200);
    const device = ([] as string[])
      .concat(first.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('kgdb_device='));
    expect(device).toMatch(/HttpOnly/);
    expect(device).toMatch(/Path=\/api\/auth\/login/);
    for (let i = 0; i < 5; i++) {
      await attempt(user.username, 'guess').expect(401);
    }
    await attempt(user.username, user.password).expect(429);
    const cookie = device!.split(';')[0];
    const fromKnownBrowser = await t
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', freshIp())
      .set('Cookie', cookie)
      .send({ username: user.username, password: user.password });
    expect(fromKnownBrowser.status).toBe(200);
    // Another account's device cookie does not help.
    const other = await createUser(t, adminToken, 'viewer');
    for (let i = 0; i < 5; i++) {
      await attempt(other.username, 'guess').expect(401);
    }
    await t
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', freshIp())
      .set('Cookie', cookie)
      .send({ username: other.username, password: other.password })
      .expect(429);
  });

  it('counts one back-off per account, whether its username or e-mail is typed', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const email = `${user.username}@example.org`;
    for (let i = 0; i < 3; i++) {
      await attempt(user.username, 'guess').expect(401);
    }
    for (let i = 0; i < 2; i++) {
      await attempt(email.toUpperCase(), 'guess').expect(401);
    }
    const res = await attempt(user.username, 'guess').expect(429);
    expect(res.body.error.code).toBe('LOGIN_THROTTLED');
  });

  it('parallel guesses cannot slip past the back-off', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => attempt(user.username, 'parallel-guess')),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('answers an unknown name exactly as a known one, failure after failure', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const trace = async (username: string) => {
      const steps: string[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await attempt(username, 'not-the-password');
        const retry = res.headers['retry-after'] === undefined ? '-' : 'Retry-After';
        steps.push(`${res.status} ${res.body.error?.code} ${retry}`);
      }
      return steps;
    };
    const known = await trace(user.username);
    const unknown = await trace(`ghost_${process.pid}`);
    expect(unknown).toEqual(known);
    expect(known[0]).toBe('401 INVALID_CREDENTIALS -');
    expect(known[6]).toBe('429 LOGIN_THROTTLED Retry-After');
  });

  it('limits one IP across 40 account names', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push((await attempt(`name_${i}`, 'x', ip)).status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    // Another IP is unaffected.
    await attempt('admin', TEST_ADMIN_PASSWORD).expect(200);
  });

  it('backs off one account attacked from ten IPs', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) {
      codes.push(String((await attempt(user.username, 'guess')).body.error?.code));
    }
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('INVALID_CREDENTIALS'));
    expect(codes.slice(5)).toEqual(Array(5).fill('LOGIN_THROTTLED'));
  });

  it('an access token dies with its session: logout, and a password change in the same second', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const me = (token: string) =>
      t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);

    await me(user.accessToken).expect(200);
    // Logout with the access token alone (an API client without the cookie).
    await t
      .http()
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .expect(200);
    const afterLogout = await me(user.accessToken).expect(401);
    expect(afterLogout.body.error.code).toBe('TOKEN_REVOKED');
    await t.http().post('/api/auth/refresh').send({ refresh_token: user.refreshToken }).expect(401);

    // Presenting another user's refresh token at logout does not end that user's session.
    const victim = await createUser(t, adminToken, 'viewer');
    const caller = await login(t, user.username, user.password);
    await t
      .http()
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${caller.accessToken}`)
      .send({ refresh_token: victim.refreshToken })
      .expect(200);
    await me(victim.accessToken).expect(200);

    // Two sessions; one changes the password at once (same second as the other's token).
    const a = await login(t, user.username, user.password);
    const b = await login(t, user.username, user.password);
    await t
      .http()
      .post('/api/auth/change-password')
      .set('Authorization', `Bearer ${a.accessToken}`)
      .send({ current_password: user.password, new_password: 'Violet-Tractor-91-Sky' })
      .expect(200);
    expect((await me(b.accessToken)).status).toBe(401);
    expect((await me(a.accessToken)).status).toBe(401);
    const fresh = await login(t, user.username, 'Violet-Tractor-91-Sky');
    await me(fresh.accessToken).expect(200);
  });

  it.each(['Password123', 'P@ssw0rd123', 'Welcome2026!', 'Qwerty12345'])(
    'refuses the common password %s',
    async (common) => {
      const user = await createUser(t, adminToken, 'viewer');
      const res = await t
        .http()
        .post('/api/auth/change-password')
        .set('Authorization', `Bearer ${user.accessToken}`)
        .send({ current_password: user.password, new_password: common })
        .expect(400);
      expect(res.body.error.code).toBe('WEAK_PASSWORD');
      expect(res.body.error.message).toMatch(/commonly used/);
    },
  );

  it('sends at most 3 reset mails an hour to one account, whichever IPs ask', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const email = `${user.username}@example.org`;
    const settled = async () =>
      smtp.messages.filter((m) => m.to.includes(email)).length +
      t.logs.text().split('per-account limit').length -
      1;
    for (let i = 0; i < 8; i++) {
      const before = await settled();
      await t
        .http()
        .post('/api/auth/forgot-password')
        .set('X-Forwarded-For', freshIp())
        .send({ email })
        .expect(200);
      // Each request's background work has finished before the next one.
      expect(await eventually(async () => (await settled()) === before + 1)).toBe(true);
    }
    expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(3);
  });
});
