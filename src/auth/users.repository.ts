import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { containsPattern } from '../common/database/like-pattern.js';
import { asTransaction, managerOf, type Transaction } from '../database/transaction.js';
import { UserEntity } from './entities/user.entity.js';
import type { Role } from './roles.js';

export interface NewUser {
  username: string;
  email: string;
  fullName: string | null;
  passwordHash: string;
  role: Role;
  /** Defaults to true (the column default). */
  isActive?: boolean;
  isVerified: boolean;
}

export interface UserFilter {
  role?: Role;
  isActive?: boolean;
  search?: string;
  limit: number;
  offset: number;
}

export type UserChanges = Partial<
  Pick<UserEntity, 'email' | 'fullName' | 'role' | 'isActive' | 'isVerified'>
>;

/** Serialises every change that could leave the system without an active admin. */
const ADMIN_SET_LOCK = 727_304_612;

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(tx?: Transaction) {
    return managerOf(tx, this.dataSource.manager).getRepository(UserEntity);
  }

  /** Runs `fn` in a transaction holding the admin-set lock. */
  withAdminSetLock<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_SET_LOCK]);
      return fn(asTransaction(manager));
    });
  }

  findById(id: number, tx?: Transaction): Promise<UserEntity | null> {
    return this.repo(tx).findOneBy({ id });
  }

  /** Case-insensitive match on username or e-mail. */
  findByLogin(login: string): Promise<UserEntity | null> {
    return this.repo()
      .createQueryBuilder('u')
      .where('lower(u.username) = lower(:login) OR lower(u.email) = lower(:login)', { login })
      .getOne();
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.repo()
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  async exists(
    username: string,
    email: string,
    excludeId?: number,
  ): Promise<{ username: boolean; email: boolean }> {
    const rows: { username_taken: boolean; email_taken: boolean }[] = await this.dataSource.query(
      `SELECT
         bool_or(lower(username) = lower($1)) AS username_taken,
         bool_or(lower(email) = lower($2)) AS email_taken
       FROM users WHERE id <> coalesce($3, -1)`,
      [username, email, excludeId ?? null],
    );
    return { username: rows[0]?.username_taken === true, email: rows[0]?.email_taken === true };
  }

  async insert(user: NewUser, tx?: Transaction): Promise<UserEntity> {
    return this.repo(tx).save(this.repo(tx).create(user));
  }

  async update(id: number, changes: UserChanges, tx?: Transaction): Promise<void> {
    await this.repo(tx).update({ id }, changes);
  }

  async delete(id: number, tx?: Transaction): Promise<void> {
    await this.repo(tx).delete({ id });
  }

  countActiveAdmins(tx: Transaction): Promise<number> {
    return this.repo(tx).countBy({ role: 'admin', isActive: true });
  }

  async list(filter: UserFilter): Promise<{ rows: UserEntity[]; total: number }> {
    const qb = this.repo().createQueryBuilder('u');
    if (filter.role) {
      qb.andWhere('u.role = :role', { role: filter.role });
    }
    if (filter.isActive !== undefined) {
      qb.andWhere('u.is_active = :active', { active: filter.isActive });
    }
    if (filter.search) {
      qb.andWhere(
        "(u.username ILIKE :q ESCAPE '\\' OR u.email ILIKE :q ESCAPE '\\' OR u.full_name ILIKE :q ESCAPE '\\')",
        { q: containsPattern(filter.search) },
      );
    }
    const [rows, total] = await qb
      .orderBy('u.id', 'ASC')
      .take(filter.limit)
      .skip(filter.offset)
      .getManyAndCount();
    return { rows, total };
  }

  async recordSuccessfulLogin(id: number): Promise<void> {
    await this.dataSource.query('UPDATE users SET last_login_at = now() WHERE id = $1', [id]);
  }

  async setPassword(id: number, passwordHash: string, tx?: Transaction): Promise<void> {
    await managerOf(tx, this.dataSource.manager).query(
      `UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now()
       WHERE id = $1`,
      [id, passwordHash],
    );
  }

  /** Inserts the user unless the username or e-mail exists; returns null when it did. */
  async insertIfAbsent(user: NewUser): Promise<UserEntity | null> {
    const rows: { id: number }[] = await this.dataSource.query(
      `INSERT INTO users (username, email, full_name, password_hash, role, is_verified)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [user.username, user.email, user.fullName, user.passwordHash, user.role, user.isVerified],
    );
    const id = rows[0]?.id;
    return id === undefined ? null : this.findById(id);
  }

  anyAdmin(): Promise<boolean> {
    return this.repo().existsBy({ role: 'admin' });
  }
}
