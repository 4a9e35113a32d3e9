import { Logger } from '@nestjs/common';

import {
  aUser,
  FakePasswords,
  FakeTokens,
  FakeUsersRepository,
  uniqueViolation,
} from '../../test/support/fakes/auth.fakes.js';
import { NotFoundError } from '../common/errors/index.js';
import { AuthConflictError, WeakPasswordError } from './auth.errors.js';
import { UsersService } from './users.service.js';

// The service logs each change; its lines are not what these tests are about.
beforeAll(() => Logger.overrideLogger(false));

function setup(users = [aUser({ id: 1, username: 'boss', role: 'admin' })]) {
  const repository = new FakeUsersRepository(users);
  const passwords = new FakePasswords();
  const tokens = new FakeTokens();
  const service = new UsersService(
    repository.asRepository(),
    passwords.asService(),
    tokens.asService(),
  );
  return { service, repository, passwords, tokens };
}

async function conflictCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthConflictError);
  return (error as AuthConflictError).code;
}

describe('UsersService.register', () => {
  const input = { username: 'curator1', email: 'Curator1@Example.org', password: 'Good-Pass-123' };

  it('stores a viewer with a hashed password and a lower-cased e-mail', async () => {
    const { service, repository, passwords } = setup();
    const user = await service.register(input);
    expect(repository.rows.get(user.id)).toMatchObject({
      username: 'curator1',
      email: 'curator1@example.org',
      passwordHash: 'hash:Good-Pass-123',
      role: 'viewer',
      fullName: null,
      isVerified: true,
    });
    // The strength check sees the name and address, so a password cannot contain them.
    expect(passwords.checked).toEqual([
      { password: 'Good-Pass-123', personal: ['curator1', 'Curator1@Example.org'] },
    ]);
  });

  it.each(['admin', 'Root', 'ADMINISTRATOR', 'system'])(
    'refuses the reserved name %s before touching the store',
    async (username) => {
      const { service, repository, passwords } = setup([]);
      expect(await conflictCode(service.register({ ...input, username }))).toBe(
        'USERNAME_RESERVED',
      );
      expect(repository.rows.size).toBe(0);
      expect(passwords.checked).toEqual([]);
    },
  );

  it('names which of username and e-mail is taken, case-insensitively', async () => {
    const { service } = setup([aUser({ username: 'Curator1', email: 'other@example.org' })]);
    expect(await conflictCode(service.register(input))).toBe('USERNAME_TAKEN');
    const other = setup([aUser({ username: 'someone', email: 'CURATOR1@example.org' })]);
    expect(await conflictCode(other.service.register(input))).toBe('EMAIL_TAKEN');
  });

  it('refuses a weak password and stores nothing', async () => {
    const { service, repository, passwords } = setup([]);
    passwords.weak.add(input.password);
    await expect(service.register(input)).rejects.toBeInstanceOf(WeakPasswordError);
    expect(repository.rows.size).toBe(0);
  });

  it('turns a lost race on the unique index into USER_EXISTS, and passes other errors on', async () => {
    const { service, repository } = setup([]);
    repository.failNextWrite = uniqueViolation();
    expect(await conflictCode(service.register(input))).toBe('USER_EXISTS');
    repository.failNextWrite = new Error('connection reset');
    await expect(service.register(input)).rejects.toThrow('connection reset');
  });
});

describe('UsersService.update', () => {
  it('will not let an admin demote or deactivate themself', async () => {
    const { service, repository } = setup([
      aUser({ id: 1, role: 'admin' }),
      aUser({ id: 2, role: 'admin' }),
    ]);
    expect(await conflictCode(service.update(1, 1, { role: 'curator' }))).toBe('SELF_DEMOTION');
    expect(await conflictCode(service.update(1, 1, { isActive: false }))).toBe('SELF_DEMOTION');
    expect(repository.rows.get(1)).toMatchObject({ role: 'admin', isActive: true });
  });

  it('keeps the last active admin, but an inactive admin does not count', async () => {
    const { service, repository } = setup([
      aUser({ id: 1, role: 'admin' }),
      aUser({ id: 2, role: 'admin', isActive: false }),
      aUser({ id: 3, role: 'curator' }),
    ]);
    expect(await conflictCode(service.update(3, 1, { role: 'viewer' }))).toBe('LAST_ADMIN');
    expect(await conflictCode(service.update(3, 1, { isActive: false }))).toBe('LAST_ADMIN');
    // Demoting the inactive admin leaves the active one: allowed.
    await service.update(1, 2, { role: 'viewer' });
    expect(repository.rows.get(2)?.role).toBe('viewer');
  });

  it('decides about the last admin under the admin-set lock', async () => {
    const { service, repository } = setup([
      aUser({ id: 1, role: 'admin' }),
      aUser({ id: 2, role: 'admin' }),
    ]);
    await service.update(1, 2, { role: 'curator' });
    expect(repository.lockedCalls).toEqual(['findById', 'countActiveAdmins', 'update', 'findById']);
  });

  it('ends sessions when the role changes or the account is disabled, not otherwise', async () => {
    const { service, tokens } = setup([aUser({ id: 1, role: 'admin' }), aUser({ id: 5 })]);
    await service.update(1, 5, { fullName: 'Renamed' });
    await service.update(1, 5, { role: 'viewer' });
    expect(tokens.revoked).toEqual([]);
    await service.update(1, 5, { role: 'curator' });
    await service.update(1, 5, { isActive: false });
    expect(tokens.revoked).toEqual([
      { userId: 5, reason: 'account-changed' },
      { userId: 5, reason: 'account-changed' },
    ]);
  });

  it('checks a new e-mail against others and stores it lower-cased', async () => {
    const { service, repository } = setup([
      aUser({ id: 1, role: 'admin', email: 'boss@example.org' }),
      aUser({ id: 5, email: 'five@example.org' }),
    ]);
    expect(await conflictCode(service.update(1, 5, { email: 'BOSS@example.org' }))).toBe(
      'EMAIL_TAKEN',
    );
    // Only the case changes: not a new address, no uniqueness check against itself.
    const same = await service.update(1, 5, { email: 'Five@Example.org' });
    expect(same.email).toBe('Five@Example.org');
    const moved = await service.update(1, 5, { email: 'New@Example.org' });
    expect(moved.email).toBe('new@example.org');
    expect(repository.rows.get(5)?.email).toBe('new@example.org');
  });

  it('turns a lost race on the e-mail index into EMAIL_TAKEN', async () => {
    const { service, repository } = setup([aUser({ id: 1, role: 'admin' }), aUser({ id: 5 })]);
    repository.failNextWrite = uniqueViolation();
    expect(await conflictCode(service.update(1, 5, { email: 'x@example.org' }))).toBe(
      'EMAIL_TAKEN',
    );
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    const { service } = setup();
    await expect(service.update(1, 404, { fullName: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.get(404)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('UsersService.delete', () => {
  it('refuses to delete oneself or the last active admin, and deletes anyone else', async () => {
    const { service, repository } = setup([
      aUser({ id: 1, role: 'admin' }),
      aUser({ id: 2, role: 'admin' }),
      aUser({ id: 3 }),
    ]);
    expect(await conflictCode(service.delete(1, 1))).toBe('SELF_DELETION');
    await service.delete(1, 3);
    await service.delete(1, 2);
    expect([...repository.rows.keys()]).toEqual([1]);
    const last = setup([aUser({ id: 7, role: 'admin' }), aUser({ id: 8, role: 'curator' })]);
    expect(await conflictCode(last.service.delete(8, 7))).toBe('LAST_ADMIN');
    await expect(last.service.delete(8, 99)).rejects.toBeInstanceOf(NotFoundError);
  });
});
