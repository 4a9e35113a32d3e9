import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { asTransaction, managerOf, type Transaction } from '../database/transaction.js';
import { PasswordResetTokenEntity } from './entities/password-reset-token.entity.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import type { Role } from './roles.js';

export interface NewRefreshToken {
  userId: number;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** A family (session) is open while it holds a token that is neither used, revoked nor expired. */
const openFamily = (familyParam: string) =>
  `EXISTS (
     SELECT 1 FROM refresh_tokens
     WHERE family_id = ${familyParam} AND revoked_at IS NULL AND expires_at > now()
   )`;

/** What the access guard checks of an account and its session (see `sessionAccess`). */
export interface SessionAccess {
  username: string;
  role: Role;
  isActive: boolean;
  /** Whether the session is still open. */
  open: boolean;
}

/** Refresh-token families and password-reset tokens; only hashes are ever stored. */
@Injectable()
export class TokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => fn(asTransaction(manager)));
  }

  async insertRefresh(token: NewRefreshToken, tx?: Transaction): Promise<void> {
    await managerOf(tx, this.dataSource.manager).insert(RefreshTokenEntity, token);
  }

  /** Locks the row so two concurrent refreshes of one token cannot both rotate it. */
  findRefreshForUpdate(tokenHash: string, tx: Transaction): Promise<RefreshTokenEntity | null> {
    return managerOf(tx, this.dataSource.manager)
      .getRepository(RefreshTokenEntity)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.token_hash = :tokenHash', { tokenHash })
      .getOne();
  }

  findRefresh(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.dataSource.getRepository(RefreshTokenEntity).findOneBy({ tokenHash });
  }

  async revokeRefresh(id: string, reason: string, tx: Transaction): Promise<void> {
    await managerOf(tx, this.dataSource.manager).update(
      RefreshTokenEntity,
      { id },
      { revokedAt: () => 'now()', revokedReason: reason },
    );
  }

  /** Whether the token was revoked (rotated) less than `seconds` ago, by the database clock. */
  async revokedWithin(id: string, seconds: number, tx: Transaction): Promise<boolean> {
    const rows: { recent: boolean }[] = await managerOf(tx, this.dataSource.manager).query(
      `SELECT revoked_at > now() - make_interval(secs => $2) AS recent
       FROM refresh_tokens WHERE id = $1`,
      [id, seconds],
    );
    return rows[0]?.recent === true;
  }

  /** Whether the family has a token with this hash (whatever its state). */
  async familyHolds(familyId: string, tokenHash: string, tx: Transaction): Promise<boolean> {
    const rows: { held: boolean }[] = await managerOf(tx, this.dataSource.manager).query(
      `SELECT EXISTS (
         SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND token_hash = $2
       ) AS held`,
      [familyId, tokenHash],
    );
    return rows[0]?.held === true;
  }

  async familyOpen(familyId: string, tx?: Transaction): Promise<boolean> {
    const rows: { open: boolean }[] = await managerOf(tx, this.dataSource.manager).query(
      `SELECT ${openFamily('$1')} AS open`,
      [familyId],
    );
    return rows[0]?.open === true;
  }

  /**
   * The account's name, role and state with whether one of its sessions is open, in one
   * round trip and plain SQL: the access guard asks on every authenticated request, and
   * two queries built through the entity manager cost it more CPU than running them.
   * Null when the account does not exist.
   */
  async sessionAccess(userId: number, familyId: string): Promise<SessionAccess | null> {
    const rows: { username: string; role: Role; is_active: boolean; open: boolean }[] =
      await this.dataSource.query(
        `SELECT username, role, is_active, ${openFamily('$2')} AS open FROM users WHERE id = $1`,
        [userId, familyId],
      );
    const row = rows[0];
    return row
      ? { username: row.username, role: row.role, isActive: row.is_active, open: row.open }
      : null;
  }

  /** Revokes a family's live tokens; with `userId`, only if the family is that user's. */
  async revokeFamily(
    familyId: string,
    reason: string,
    tx?: Transaction,
    userId?: number,
  ): Promise<number> {
    const qb = managerOf(tx, this.dataSource.manager)
      .createQueryBuilder()
      .update(RefreshTokenEntity)
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId });
    if (userId !== undefined) {
      qb.andWhere('user_id = :userId', { userId });
    }
    const result = await qb.execute();
    return result.affected ?? 0;
  }

  async revokeAllForUser(userId: number, reason: string, tx?: Transaction): Promise<number> {
    const result = await managerOf(tx, this.dataSource.manager)
      .createQueryBuilder()
      .update(RefreshTokenEntity)
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where('user_id = :userId AND revoked_at IS NULL', { userId })
      .execute();
    return result.affected ?? 0;
  }

  async insertPasswordReset(userId: number, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.dataSource.manager.insert(PasswordResetTokenEntity, {
      userId,
      tokenHash,
      expiresAt,
    });
  }

  /** Reset tokens issued to a user within the last `seconds`, used or not. */
  async countRecentPasswordResets(userId: number, seconds: number): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM password_reset_tokens
       WHERE user_id = $1 AND created_at > now() - make_interval(secs => $2)`,
      [userId, seconds],
    );
    return rows[0]?.n ?? 0;
  }

  /** Marks a valid, unused, unexpired reset token used; returns its user, or null. */
  async consumePasswordReset(tokenHash: string, tx: Transaction): Promise<number | null> {
    const [rows]: [{ user_id: number }[], number] = await managerOf(
      tx,
      this.dataSource.manager,
    ).query(
      `UPDATE password_reset_tokens SET used_at = now()
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING user_id`,
      [tokenHash],
    );
    return rows[0]?.user_id ?? null;
  }

  /** Older unused reset tokens stop working once a new one is issued or one is used. */
  async expirePasswordResets(userId: number, tx?: Transaction): Promise<void> {
    await managerOf(tx, this.dataSource.manager).query(
      'UPDATE password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL',
      [userId],
    );
  }
}
