import { Injectable, Logger } from '@nestjs/common';

import { isUniqueViolation, NotFoundError } from '../common/errors/index.js';
import { AuthConflictError } from './auth.errors.js';
import type { UserEntity } from './entities/user.entity.js';
import { PasswordsService } from './passwords.service.js';
import type { Role } from './roles.js';
import { TokensService } from './tokens.service.js';
import { type UserChanges, type UserFilter, UsersRepository } from './users.repository.js';

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  fullName?: string;
  role?: Role;
  /** false: created disabled, unable to sign in until enabled. */
  isActive?: boolean;
  /** Informational: an admin creates the account, so no verification step gates it. */
  isVerified?: boolean;
}

const RESERVED_USERNAMES = new Set(['admin', 'root', 'administrator', 'system']);

/** Admin user management, with the invariants that keep at least one active admin. */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordsService,
    private readonly tokens: TokensService,
  ) {}

  async get(id: number): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) {
      throw new NotFoundError(`User ${id} not found`);
    }
    return user;
  }

  list(filter: UserFilter): Promise<{ rows: UserEntity[]; total: number }> {
    return this.users.list(filter);
  }

  async register(input: RegisterInput): Promise<UserEntity> {
    if (RESERVED_USERNAMES.has(input.username.toLowerCase())) {
      throw new AuthConflictError('USERNAME_RESERVED', `Username ${input.username} is reserved`);
    }
    await this.assertUnique(input.username, input.email);
    this.passwords.assertStrong(input.password, [input.username, input.email]);
    try {
      const user = await this.users.insert({
        username: input.username,
        email: input.email.toLowerCase(),
        fullName: input.fullName ?? null,
        passwordHash: await this.passwords.hash(input.password),
        role: input.role ?? 'viewer',
        isActive: input.isActive ?? true,
        isVerified: input.isVerified ?? true,
      });
      this.logger.log(
        { target_user_id: user.id, role: user.role, is_active: user.isActive },
        'user registered',
      );
      return user;
    } catch (error) {
      // Lost a race with a concurrent registration of the same name.
      if (isUniqueViolation(error)) {
        throw new AuthConflictError('USER_EXISTS', 'Username or e-mail already registered');
      }
      throw error;
    }
  }

  private async assertUnique(username: string, email: string, excludeId?: number): Promise<void> {
    const taken = await this.users.exists(username, email, excludeId);
    if (taken.username) {
      throw new AuthConflictError('USERNAME_TAKEN', `Username ${username} is taken`);
    }
    if (taken.email) {
      throw new AuthConflictError('EMAIL_TAKEN', `E-mail ${email} is already registered`);
    }
  }

  async update(actorId: number, id: number, changes: UserChanges): Promise<UserEntity> {
    const updated = await this.users.withAdminSetLock(async (manager) => {
      const user = await this.users.findById(id, manager);
      if (!user) {
        throw new NotFoundError(`User ${id} not found`);
      }
      const losesAdmin =
        user.role === 'admin' &&
        user.isActive &&
        ((changes.role !== undefined && changes.role !== 'admin') || changes.isActive === false);
      if (losesAdmin && actorId === id) {
        throw new AuthConflictError('SELF_DEMOTION', 'You cannot demote or deactivate yourself');
      }
      if (losesAdmin && (await this.users.countActiveAdmins(manager)) <= 1) {
        throw new AuthConflictError('LAST_ADMIN', 'The last active admin cannot be demoted');
      }
      if (changes.email && changes.email.toLowerCase() !== user.email.toLowerCase()) {
        await this.assertUnique(user.username, changes.email, id);
        changes = { ...changes, email: changes.email.toLowerCase() };
      }
      try {
        await this.users.update(id, changes, manager);
      } catch (error) {
        // Lost a race with another change to the same e-mail address.
        if (isUniqueViolation(error)) {
          throw new AuthConflictError('EMAIL_TAKEN', 'E-mail already registered');
        }
        throw error;
      }
      if (changes.isActive === false || (changes.role && changes.role !== user.role)) {
        // Sessions carry the old role or belong to a disabled account: end them.
        await this.tokens.revokeAllForUser(id, 'account-changed', manager);
      }
      return (await this.users.findById(id, manager)) as UserEntity;
    });
    this.logger.log({ target_user_id: id, changes: Object.keys(changes) }, 'user updated');
    return updated;
  }

  async delete(actorId: number, id: number): Promise<void> {
    if (actorId === id) {
      throw new AuthConflictError('SELF_DELETION', 'You cannot delete yourself');
    }
    await this.users.withAdminSetLock(async (manager) => {
      const user = await this.users.findById(id, manager);
      if (!user) {
        throw new NotFoundError(`User ${id} not found`);
      }
      if (
        user.role === 'admin' &&
        user.isActive &&
        (await this.users.countActiveAdmins(manager)) <= 1
      ) {
        throw new AuthConflictError('LAST_ADMIN', 'The last active admin cannot be removed');
      }
      await this.users.delete(id, manager);
    });
    this.logger.log({ target_user_id: id }, 'user deleted');
  }
}
