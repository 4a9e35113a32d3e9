import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

/**
 * A failed password change must not write the new password's hash to any log: the
 * statement that failed carries it as a parameter, and the database may quote it in
 * its error message.
 */
describe('logs of failed statements', () => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof createUser>>;
  // A session outside the app's pool, to hold locks the app then waits on.
  const holder = testDb(() => t.database!.url);

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        // Either one ends the wait for a lock quickly, before and after lock_timeout existed.
        DB_LOCK_TIMEOUT_MS: '300',
        DB_STATEMENT_TIMEOUT_MS: '1500',
        LOG_LEVEL: 'trace',
        LOG_DB_LEVEL: 'trace',
        LOG_DB_FLUSH_MS: '50',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    const admin = await loginAdmin(t);
    user = await createUser(t, admin.accessToken, 'curator');
  });
  afterAll(async () => {
    await holder.close();
    await t?.close();
  });

  const db = () => t.app.get<DataSource>(getDataSourceToken());

  const changePassword = (next: string) =>
    t
      .http()
      .post('/api/auth/change-password')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .send({ current_password: user.password, new_password: next });

  /** What the console and the system_logs table hold: no hash, no password, no values. */
  async function expectNoSecretLogged(newPassword: string, marker: string): Promise<void> {
    expect(t.logs.text()).not.toMatch(/\$argon2/);
    expect(t.logs.text()).not.toContain(newPassword);
    // The record of the failure reached the table too (written in batches).
    expect(
      await eventually(async () => {
        const [row] = await db().query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM system_logs WHERE message = $1`,
          [marker],
        );
        return row.n > 0;
      }),
    ).toBe(true);
    const [stored] = await db().query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM system_logs l
       WHERE l::text LIKE '%$argon2%' OR l::text LIKE '%' || $1 || '%'`,
      [newPassword],
    );
    expect(stored.n).toBe(0);
  }

  it('a statement that times out is logged without its parameters', async () => {
    const next = 'Lock-Timeout-New-Passw0rd-1';
    const from = t.logs.lines.length;
    try {
      await holder.exec('BEGIN');
      await holder.exec('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [user.id]);
      const res = await changePassword(next);
      expect(res.status).toBe(503);
    } finally {
      await holder.exec('ROLLBACK');
    }
    const logged = t.logs
      .records()
      .slice(from)
      .find((r) => (r as { error_code?: string }).error_code === 'DATABASE_TIMEOUT');
    // The failure is logged once, on the request's completion line: the statement, never
    // its values.
    const cause = (logged as { cause?: { statement?: string } } | undefined)?.cause;
    expect(cause?.statement).toContain('UPDATE users SET password_hash');
    expect(JSON.stringify(logged)).not.toContain('parameters');
    await expectNoSecretLogged(next, String(logged?.msg));
  });

  it('a database error that quotes the hash is logged with the hash masked', async () => {
    const next = 'Trigger-Rejects-New-Passw0rd-2';
    await db().query(`
      CREATE FUNCTION test_reject_password() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'password hash % refused', NEW.password_hash; END $$`);
    await db().query(`
      CREATE TRIGGER test_reject_password BEFORE UPDATE OF password_hash ON users
      FOR EACH ROW EXECUTE FUNCTION test_reject_password()`);
    const from = t.logs.lines.length;
    try {
      const res = await changePassword(next);
      expect([res.status, res.body.error?.code]).toEqual([500, 'INTERNAL_ERROR']);
      expect(JSON.stringify(res.body)).not.toMatch(/argon2|refused/);
    } finally {
      await db().query('DROP TRIGGER test_reject_password ON users');
      await db().query('DROP FUNCTION test_reject_password()');
    }
    const logged = t.logs
      .records()
      .slice(from)
      .find((r) => r.msg === 'unhandled error');
    expect(logged?.err).toMatchObject({
      message: 'password hash [REDACTED] refused',
      parameters: '[REDACTED]',
    });
    await expectNoSecretLogged(next, 'unhandled error');
  });
});
