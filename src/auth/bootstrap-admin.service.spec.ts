import { Logger } from '@nestjs/common';

import {
  aUser,
  FakePasswords,
  FakeTokens,
  FakeUsersRepository,
} from '../../test/support/fakes/auth.fakes.js';
import { loadConfig } from '../config/index.js';
import { WeakPasswordError } from './auth.errors.js';
import { BootstrapAdminService } from './bootstrap-admin.service.js';

beforeAll(() => Logger.overrideLogger(false));

/** What the service wrote straight to stdout while `fn` ran. */
async function stdoutOf(fn: () => Promise<void>): Promise<string> {
  const original = process.stdout.write.bind(process.stdout);
  let written = '';
  process.stdout.write = (chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  };
  try {
    await fn();
  } finally {
    process.stdout.write = original;
  }
  return written;
}

function setup(env: Record<string, string>, users = [aUser({ id: 3, username: 'reader' })]) {
  const repository = new FakeUsersRepository(users);
  const passwords = new FakePasswords();
  const tokens = new FakeTokens();
  const service = new BootstrapAdminService(
    loadConfig({ ADMIN_USERNAME: 'chief', ADMIN_EMAIL: 'Chief@Example.org', ...env }),
    repository.asRepository(),
    passwords.asService(),
    tokens.asService(),
  );
  return { service, repository, passwords, tokens };
}

const admins = (repository: FakeUsersRepository) =>
  [...repository.rows.values()].filter((u) => u.role === 'admin');

describe('BootstrapAdminService', () => {
  it('creates the admin with a generated password and prints that password once', async () => {
    const { service, repository, passwords } = setup({});
    const out = await stdoutOf(() => service.onApplicationBootstrap());
    expect(admins(repository)).toEqual([
      expect.objectContaining({
        username: 'chief',
        email: 'chief@example.org',
        passwordHash: 'hash:Generated-1-aA1!',
        isVerified: true,
      }),
    ]);
    expect(out).toContain('Admin account "chief"');
    expect(out.split('Generated-1-aA1!')).toHaveLength(2);
    // A generated password meets the policy by construction: it is not checked.
    expect(passwords.checked).toEqual([]);
  });

  it('uses ADMIN_PASSWORD when set, after checking it, and never prints it', async () => {
    const { service, repository, passwords } = setup({ ADMIN_PASSWORD: 'Chosen-Pass-42' });
    const out = await stdoutOf(() => service.onApplicationBootstrap());
    expect(admins(repository)[0]?.passwordHash).toBe('hash:Chosen-Pass-42');
    expect(passwords.checked.map((c) => c.password)).toEqual(['Chosen-Pass-42']);
    expect(out).toBe('');
  });

  it('refuses to start with a weak ADMIN_PASSWORD', async () => {
    const { service, repository, passwords } = setup({ ADMIN_PASSWORD: 'Chosen-Pass-42' });
    passwords.weak.add('Chosen-Pass-42');
    await expect(service.onApplicationBootstrap()).rejects.toBeInstanceOf(WeakPasswordError);
    expect(admins(repository)).toEqual([]);
  });

  it('prints nothing when another instance created the admin first', async () => {
    const { service, repository } = setup({});
    repository.raceLost = true;
    expect(await stdoutOf(() => service.onApplicationBootstrap())).toBe('');
  });

  it('leaves an existing admin alone unless a reset is asked for', async () => {
    const existing = aUser({ id: 1, username: 'chief', role: 'admin', passwordHash: 'hash:old' });
    const { service, repository, tokens } = setup({}, [existing]);
    expect(await stdoutOf(() => service.onApplicationBootstrap())).toBe('');
    expect(repository.rows.get(1)?.passwordHash).toBe('hash:old');
    expect(repository.rows.size).toBe(1);
    expect(tokens.revoked).toEqual([]);
  });

  it('on ADMIN_FORCE_PASSWORD_RESET sets a new password and ends the sessions', async () => {
    const existing = aUser({ id: 1, username: 'chief', role: 'admin', passwordHash: 'hash:old' });
    const { service, repository, tokens } = setup({ ADMIN_FORCE_PASSWORD_RESET: 'true' }, [
      existing,
    ]);
    const out = await stdoutOf(() => service.onApplicationBootstrap());
    expect(repository.rows.get(1)?.passwordHash).toBe('hash:Generated-1-aA1!');
    expect(tokens.revoked).toEqual([{ userId: 1, reason: 'admin-password-reset' }]);
    expect(out).toContain('Generated-1-aA1!');
  });

  it('a reset with no user of that name changes nothing', async () => {
    const other = aUser({ id: 1, username: 'someone-else', role: 'admin', passwordHash: 'hash:x' });
    const { service, repository, tokens } = setup({ ADMIN_FORCE_PASSWORD_RESET: 'true' }, [other]);
    expect(await stdoutOf(() => service.onApplicationBootstrap())).toBe('');
    expect(repository.rows.get(1)?.passwordHash).toBe('hash:x');
    expect(tokens.revoked).toEqual([]);
  });
});
