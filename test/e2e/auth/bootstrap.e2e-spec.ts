import { jest } from '@jest/globals';

import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { login } from '../../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

/** Captures what the app writes straight to stdout (not through the logger). */
function captureStdout(): { text: () => string; restore: () => void } {
  let out = '';
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    });
  return { text: () => out, restore: () => spy.mockRestore() };
}

describe('bootstrap admin', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const app of apps) {
      await app.close();
    }
    await db.drop();
  });

  async function start(env: Record<string, string>): Promise<TestApp> {
    const app = await createTestApp({ databaseUrl: db.url, env });
    apps.push(app);
    return app;
  }

  it('generates a password on first start, prints it once, and never logs it', async () => {
    const stdout = captureStdout();
    let first: TestApp;
    try {
      first = await start({ ADMIN_PASSWORD: '' });
    } finally {
      stdout.restore();
    }
    const password = /generated password[^\n]*\n\s+(\S+)/.exec(stdout.text())?.[1];
    expect(password).toBeDefined();
    await login(first, 'admin', password!);
    expect(first.logs.text()).not.toContain(password);

    const again = captureStdout();
    try {
      await start({ ADMIN_PASSWORD: '' });
    } finally {
      again.restore();
    }
    expect(again.text()).not.toContain('generated password');
    await login(first, 'admin', password!);
  });

  it('ADMIN_FORCE_PASSWORD_RESET sets the configured password at startup', async () => {
    const app = await start({
      ADMIN_PASSWORD: 'Forced-Reset-Passw0rd',
      ADMIN_FORCE_PASSWORD_RESET: 'true',
    });
    await login(app, 'admin', 'Forced-Reset-Passw0rd');
    await app
      .http()
      .post('/api/auth/login')
      .send({ username: 'admin', password: 'wrong' })
      .expect(401);
  });
});
