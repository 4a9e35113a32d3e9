import { expirePasswordResetTokens } from '../../factories/auth-state.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, login, loginAdmin } from '../../support/auth.js';
import { SmtpFixture } from '../../support/smtp-fixture.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

describe('forgotten password', () => {
  let t: TestApp;
  let smtp: SmtpFixture;
  let adminToken: string;
  const db = testDb(() => t.database!.url);

  beforeAll(async () => {
    smtp = new SmtpFixture();
    const smtpUrl = await smtp.start();
    t = await createTestApp({
      env: { SMTP_URL: smtpUrl, RATE_LIMIT_FORGOT_PASSWORD_PER_HOUR: '100' },
    });
    adminToken = (await loginAdmin(t)).accessToken;
  });
  afterAll(async () => {
    await db.close();
    await t.close();
    await smtp.stop();
  });

  const forgot = (email: string) => t.http().post('/api/auth/forgot-password').send({ email });

  it('answers the same for known and unknown addresses and mails only the known one', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const email = `${user.username}@example.org`;
    const known = await forgot(email).expect(200);
    const unknown = await forgot('nobody@example.org').expect(200);
    expect(known.body).toEqual(unknown.body);
    expect(smtp.messages.filter((m) => m.to.includes('nobody@example.org'))).toHaveLength(0);
    expect(await eventually(() => smtp.tokenFor(email) !== undefined)).toBe(true);
    expect(smtp.tokenFor(email)).toMatch(/^pr_/);
  });

  it('resets the password once with the mailed token, revoking sessions', async () => {
    const user = await createUser(t, adminToken, 'curator');
    const email = `${user.username}@example.org`;
    await forgot(email).expect(200);
    // The mail goes out in the background, after the constant answer.
    expect(await eventually(() => smtp.tokenFor(email) !== undefined)).toBe(true);
    const token = smtp.tokenFor(email)!;

    const weak = await t
      .http()
      .post('/api/auth/reset-password')
      .send({ token, new_password: 'weak' })
      .expect(400);
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    // A rejected attempt does not use the token up.
    await t
      .http()
      .post('/api/auth/reset-password')
      .send({ token, new_password: 'Brand-New-Passw0rd' })
      .expect(200);
    const again = await t
      .http()
      .post('/api/auth/reset-password')
      .send({ token, new_password: 'Brand-New-Passw0rd-2' })
      .expect(400);
    expect(again.body.error.code).toBe('INVALID_RESET_TOKEN');
    await t.http().post('/api/auth/refresh').send({ refresh_token: user.refreshToken }).expect(401);
    await login(t, user.username, 'Brand-New-Passw0rd');
  });

  it('stores reset tokens hashed and refuses expired ones', async () => {
    const user = await createUser(t, adminToken, 'viewer');
    const email = `${user.username}@example.org`;
    await forgot(email).expect(200);
    // The mail goes out in the background, after the constant answer.
    expect(await eventually(() => smtp.tokenFor(email) !== undefined)).toBe(true);
    const token = smtp.tokenFor(email)!;
    const rows = await db.rows<{ token_hash: string; expires_at: Date }>(
      'SELECT token_hash, expires_at FROM password_reset_tokens WHERE user_id = $1 AND used_at IS NULL',
      [user.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(token);
    const ttl = rows[0].expires_at.getTime() - Date.now();
    expect(ttl).toBeGreaterThan(59 * 60_000);
    expect(ttl).toBeLessThanOrEqual(60 * 60_000);
    await expirePasswordResetTokens(db, user.id);
    await t
      .http()
      .post('/api/auth/reset-password')
      .send({ token, new_password: 'Brand-New-Passw0rd' })
      .expect(400);
  });

  it('validates the e-mail field', async () => {
    const res = await forgot('not-an-email').expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
