import { loadConfig } from '../config/index.js';
import { LoginThrottledError } from './auth.errors.js';
import type { BackoffPolicy, LoginThrottleRepository } from './login-throttle.repository.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { sha256 } from './token-hash.js';

/**
 * The back-off arithmetic is SQL (covered by the login-abuse e2e tests); this fake only
 * answers what a test tells it to and records the keys and policy the service asks with.
 */
class FakeThrottleRepository implements Pick<LoginThrottleRepository, 'reserve' | 'clear'> {
  readonly reserved: { key: string; policy: BackoffPolicy }[] = [];
  readonly cleared: string[] = [];
  readonly waiting = new Map<string, Date>();

  reserve(key: string, policy: BackoffPolicy): Promise<Date | null> {
    this.reserved.push({ key, policy });
    return Promise.resolve(this.waiting.get(key) ?? null);
  }

  clear(key: string): Promise<void> {
    this.cleared.push(key);
    return Promise.resolve();
  }
}

function setup(env: Record<string, string> = {}) {
  const repository = new FakeThrottleRepository();
  const service = new LoginThrottleService(
    repository as unknown as LoginThrottleRepository,
    loadConfig(env),
  );
  return { service, repository };
}

describe('LoginThrottleService', () => {
  it('passes the configured policy, with the window in seconds', async () => {
    const { service, repository } = setup({
      LOGIN_FREE_ATTEMPTS: '4',
      LOGIN_BACKOFF_BASE_SECONDS: '3',
      LOGIN_BACKOFF_MAX_SECONDS: '120',
      LOGIN_FAILURE_WINDOW_MINUTES: '30',
    });
    await service.reserve({ userId: 7 });
    expect(repository.reserved[0]?.policy).toEqual({
      freeAttempts: 4,
      baseDelaySeconds: 3,
      maxDelaySeconds: 120,
      windowSeconds: 1800,
    });
  });

  it('keys an account by its id, and an unknown name by its trimmed lower-cased form', async () => {
    const { service, repository } = setup();
    await service.reserve({ userId: 7 });
    await service.reserve({ name: '  Someone@Example.org ' });
    await service.reserve({ name: 'someone@example.org' });
    // A name typed to look like an account's key still gets a key of its own.
    await service.reserve({ name: 'user:7' });
    const [account, typed, plain, lookalike] = repository.reserved.map((r) => r.key);
    expect(account).toBe(sha256('user:7'));
    expect(typed).toBe(sha256('name:someone@example.org'));
    expect(plain).toBe(typed);
    expect(lookalike).not.toBe(account);
  });

  it('refuses an attempt in back-off with LOGIN_THROTTLED and a Retry-After', async () => {
    const { service, repository } = setup();
    repository.waiting.set(sha256('user:7'), new Date(Date.now() + 90_000));
    const error = await service.reserve({ userId: 7 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginThrottledError);
    const throttled = error as LoginThrottledError;
    expect(throttled.code).toBe('LOGIN_THROTTLED');
    expect(throttled.status).toBe(429);
    const seconds = Number(throttled.headers['Retry-After']);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(90);
    // Another account is not held back by it.
    await expect(service.reserve({ userId: 8 })).resolves.toBeUndefined();
  });

  it('a success clears the same key the attempt was reserved under', async () => {
    const { service, repository } = setup();
    await service.reserve({ name: 'Ghost' });
    await service.succeeded({ name: 'ghost ' });
    expect(repository.cleared).toEqual([repository.reserved[0]?.key]);
  });
});
