import { createTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../../support/app-factory.js';

describe('inbound rate limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '30', LOGIN_FREE_ATTEMPTS: '100' },
    });
  });
  afterAll(() => t.close());

  it('limits login to 5 per minute per IP and account, with Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'someone', password: 'x' })
        .expect(401);
    }
    const blocked = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'someone', password: 'x' })
      .expect(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another account from the same IP is not affected.
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD })
      .expect(200);
  });

  it('limits forgot-password to 3 per hour per IP', async () => {
    for (let i = 0; i < 3; i++) {
      await t
        .http()
        .post('/api/auth/forgot-password')
        .send({ email: `u${i}@example.org` })
        .expect(200);
    }
    const blocked = await t
      .http()
      .post('/api/auth/forgot-password')
      .send({ email: 'u9@example.org' })
      .expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(3000);
  });

  it('applies the global default to other routes but not to health probes', async () => {
    for (let i = 0; i < 30; i++) {
      await t.http().get('/version').expect(200);
    }
    const blocked = await t.http().get('/version').expect(429);
    expect(blocked.headers['x-ratelimit-limit']).toBe('30');
    for (let i = 0; i < 40; i++) {
      await t.http().get('/health/live').expect(200);
    }
  });
});
