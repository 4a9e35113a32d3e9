import { WeakPasswordError } from '../../../src/auth/auth.errors.js';
import type { UserEntity } from '../../../src/auth/entities/user.entity.js';
import type { PasswordsService } from '../../../src/auth/passwords.service.js';
import type { TokensService } from '../../../src/auth/tokens.service.js';
import type {
  NewUser,
  UserChanges,
  UserFilter,
  UsersRepository,
} from '../../../src/auth/users.repository.js';
import type { Transaction } from '../../../src/database/transaction.js';

/**
 * Hand-written stand-ins for the auth module's repository and its process-crossing
 * helpers, so services' rules can be unit-tested without a database. They keep state
 * in memory and record what was asked of them; they do not re-implement SQL policies.
 */

/** A unique-constraint violation as the pg driver reports it (SQLSTATE 23505). */
export function uniqueViolation(): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint'), {
    code: '23505',
  });
}

let nextId = 1;

/** A stored user with every column filled; override what the test is about. */
export function aUser(overrides: Partial<UserEntity> = {}): UserEntity {
  const id = overrides.id ?? nextId++;
  const now = new Date('2026-01-01T00:00:00Z');
  return {
    id,
    username: `user${id}`,
    email: `user${id}@example.org`,
    fullName: null,
    passwordHash: 'hash:stored',
    role: 'viewer',
    isActive: true,
    isVerified: true,
    lastLoginAt: null,
    passwordChangedAt: now,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

type UsersPort = Pick<
  UsersRepository,
  | 'withAdminSetLock'
  | 'findById'
  | 'findByLogin'
  | 'exists'
  | 'insert'
  | 'update'
  | 'delete'
  | 'countActiveAdmins'
  | 'list'
  | 'setPassword'
  | 'insertIfAbsent'
  | 'anyAdmin'
>;

/** The users table in memory. `failNextWrite` makes the next insert/update fail as given. */
export class FakeUsersRepository implements UsersPort {
  readonly rows = new Map<number, UserEntity>();
  readonly lockedCalls: string[] = [];
  failNextWrite?: Error;
  private lockDepth = 0;

  constructor(users: UserEntity[] = []) {
    for (const u of users) {
      this.rows.set(u.id, u);
    }
  }

  asRepository(): UsersRepository {
    return this as unknown as UsersRepository;
  }

  async withAdminSetLock<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.lockDepth += 1;
    try {
      return await fn({} as Transaction);
    } finally {
      this.lockDepth -= 1;
    }
  }

  private note(call: string): void {
    if (this.lockDepth > 0) {
      this.lockedCalls.push(call);
    }
  }

  findById(id: number): Promise<UserEntity | null> {
    this.note('findById');
    const user = this.rows.get(id);
    return Promise.resolve(user ? { ...user } : null);
  }

  findByLogin(login: string): Promise<UserEntity | null> {
    const l = login.toLowerCase();
    const user = [...this.rows.values()].find(
      (u) => u.username.toLowerCase() === l || u.email.toLowerCase() === l,
    );
    return Promise.resolve(user ?? null);
  }

  exists(
    username: string,
    email: string,
    excludeId?: number,
  ): Promise<{ username: boolean; email: boolean }> {
    const others = [...this.rows.values()].filter((u) => u.id !== excludeId);
    return Promise.resolve({
      username: others.some((u) => u.username.toLowerCase() === username.toLowerCase()),
      email: others.some((u) => u.email.toLowerCase() === email.toLowerCase()),
    });
  }

  private takeFailure(): void {
    const failure = this.failNextWrite;
    this.failNextWrite = undefined;
    if (failure) {
      throw failure;
    }
  }

  insert(user: NewUser): Promise<UserEntity> {
    this.takeFailure();
    const created = aUser({ ...user });
    this.rows.set(created.id, created);
    return Promise.resolve(created);
  }

  update(id: number, changes: UserChanges): Promise<void> {
    this.note('update');
    this.takeFailure();
    const user = this.rows.get(id);
    if (user) {
      this.rows.set(id, { ...user, ...changes });
    }
    return Promise.resolve();
  }

  delete(id: number): Promise<void> {
    this.note('delete');
    this.rows.delete(id);
    return Promise.resolve();
  }

  countActiveAdmins(): Promise<number> {
    this.note('countActiveAdmins');
    return Promise.resolve(
      [...this.rows.values()].filter((u) => u.role === 'admin' && u.isActive).length,
    );
  }

  list(filter: UserFilter): Promise<{ rows: UserEntity[]; total: number }> {
    const all = [...this.rows.values()].filter((u) => !filter.role || u.role === filter.role);
    return Promise.resolve({
      rows: all.slice(filter.offset, filter.offset + filter.limit),
      total: all.length,
    });
  }

  setPassword(id: number, passwordHash: string): Promise<void> {
    const user = this.rows.get(id);
    if (user) {
      this.rows.set(id, { ...user, passwordHash });
    }
    return Promise.resolve();
  }

  /** `raceLost` simulates another instance creating the admin first. */
  raceLost = false;

  async insertIfAbsent(user: NewUser): Promise<UserEntity | null> {
    if (this.raceLost) {
      return null;
    }
    return this.insert(user);
  }

  anyAdmin(): Promise<boolean> {
    return Promise.resolve([...this.rows.values()].some((u) => u.role === 'admin'));
  }
}

type PasswordsPort = Pick<PasswordsService, 'hash' | 'assertStrong' | 'generate'>;

/** Hashing without argon2's cost; `weak` lists the passwords the policy refuses. */
export class FakePasswords implements PasswordsPort {
  readonly weak = new Set<string>();
  readonly checked: { password: string; personal: (string | null | undefined)[] }[] = [];
  generated = 0;

  asService(): PasswordsService {
    return this as unknown as PasswordsService;
  }

  hash(password: string): Promise<string> {
    return Promise.resolve(`hash:${password}`);
  }

  assertStrong(password: string, personal: (string | null | undefined)[] = []): void {
    this.checked.push({ password, personal });
    if (this.weak.has(password)) {
      throw new WeakPasswordError(['too weak for the test policy']);
    }
  }

  generate(): string {
    this.generated += 1;
    return `Generated-${this.generated}-aA1!`;
  }
}

/** Records which users' sessions were revoked, and why. */
export class FakeTokens implements Pick<TokensService, 'revokeAllForUser'> {
  readonly revoked: { userId: number; reason: string }[] = [];

  asService(): TokensService {
    return this as unknown as TokensService;
  }

  revokeAllForUser(userId: number, reason: string): Promise<number> {
    this.revoked.push({ userId, reason });
    return Promise.resolve(1);
  }
}
