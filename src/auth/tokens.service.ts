import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import { AppConfig } from '../config/index.js';
import type { Transaction } from '../database/transaction.js';
import { UnauthorizedError } from './auth.errors.js';
import type { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import type { Role } from './roles.js';
import { SigningKeys } from './signing-keys.js';
import { newOpaqueToken, sha256 } from './token-hash.js';
import { type SessionAccess, TokensRepository } from './tokens.repository.js';

export const JWT_ISSUER = 'kidney-genetics-db';
/** How long a browser stays known to an account after a successful login there. */
export const DEVICE_TTL_SECONDS = 180 * 86_400;
/** `revoked_reason` of a token exchanged for its successor (as opposed to revoked). */
const ROTATED = 'rotated';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccessClaims {
  sub: string;
  role: Role;
  typ: 'access';
  /** The session (refresh-token family) the token belongs to; it dies with the session. */
  sid: string;
  iat: number;
  exp: number;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export type RefreshOutcome =
  | { kind: 'rotated'; userId: number; sessionId: string; token: string }
  | { kind: 'reused'; userId: number }
  | { kind: 'invalid' };

/** Signs and checks access JWTs; issues, rotates and revokes opaque refresh tokens. */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly tokens: TokensRepository,
    private readonly keys: SigningKeys,
  ) {}

  get accessTtlSeconds(): number {
    return this.config.auth.accessTtlSeconds;
  }

  signAccess(userId: number, role: Role, sessionId: string): Promise<string> {
    return this.jwt.signAsync(
      { role, typ: 'access', sid: sessionId },
      { subject: String(userId), expiresIn: this.accessTtlSeconds },
    );
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token);
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new UnauthorizedError(
        expired ? 'Access token expired' : 'Invalid access token',
        expired ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN',
      );
    }
    if (claims.typ !== 'access' || !/^\d+$/.test(claims.sub) || !UUID.test(claims.sid)) {
      throw new UnauthorizedError('Invalid access token', 'INVALID_TOKEN');
    }
    return claims;
  }

  /** Starts a new family (a login): its first token is random. */
  issueRefresh(
    userId: number,
    client: ClientInfo,
    familyId: string = randomUUID(),
  ): Promise<string> {
    return this.storeRefresh(userId, client, familyId, newOpaqueToken('rt'));
  }

  private async storeRefresh(
    userId: number,
    client: ClientInfo,
    familyId: string,
    { token, hash }: { token: string; hash: string },
    tx?: Transaction,
  ): Promise<string> {
    await this.tokens.insertRefresh(
      {
        userId,
        familyId,
        tokenHash: hash,
        expiresAt: new Date(Date.now() + this.config.auth.refreshTtlSeconds * 1000),
        userAgent: client.userAgent?.slice(0, 512) ?? null,
        ip: client.ip,
      },
      tx,
    );
    return token;
  }

  /**
   * Exchanges a refresh token for its successor. Presenting a token that was already
   * rotated or revoked means it leaked: the whole family is revoked. One exception: a
   * token rotated less than REFRESH_REUSE_GRACE_SECONDS ago, in a session still open,
   * answers with the same successor it got the first time. The original frontend refreshes
   * once per failed request, in parallel, with the same cookie; without the grace its user
   * was logged out whenever a page fired two requests with an expired access token.
   */
  async rotate(token: string, client: ClientInfo): Promise<RefreshOutcome> {
    const hash = sha256(token);
    return this.tokens.transaction(async (tx): Promise<RefreshOutcome> => {
      // The row lock makes parallel presentations of one token wait for the first rotation.
      const row = await this.tokens.findRefreshForUpdate(hash, tx);
      if (!row) {
        return { kind: 'invalid' };
      }
      const successor = this.keys.successorOf(token);
      if (row.revokedAt) {
        if (await this.withinReuseGrace(row, sha256(successor), tx)) {
          return { kind: 'rotated', userId: row.userId, sessionId: row.familyId, token: successor };
        }
        await this.tokens.revokeFamily(row.familyId, 'reuse-detected', tx);
        return { kind: 'reused', userId: row.userId };
      }
      if (row.expiresAt.getTime() <= Date.now()) {
        return { kind: 'invalid' };
      }
      await this.tokens.revokeRefresh(row.id, ROTATED, tx);
      const next = await this.storeRefresh(
        row.userId,
        client,
        row.familyId,
        { token: successor, hash: sha256(successor) },
        tx,
      );
      return { kind: 'rotated', userId: row.userId, sessionId: row.familyId, token: next };
    });
  }

  /**
   * A rotated (not logged-out or reuse-revoked) token, rotated within the grace, of a
   * session that is still open: its successor is what the first presentation received.
   * The successor must be on record: a token rotated before the successor was derived
   * from it (or under another JWT_SECRET) has none to hand back.
   */
  private async withinReuseGrace(
    row: Pick<RefreshTokenEntity, 'id' | 'revokedReason' | 'familyId'>,
    successorHash: string,
    tx: Transaction,
  ): Promise<boolean> {
    const grace = this.config.auth.refreshReuseGraceSeconds;
    if (grace === 0 || row.revokedReason !== ROTATED) {
      return false;
    }
    return (
      (await this.tokens.revokedWithin(row.id, grace, tx)) &&
      (await this.tokens.familyOpen(row.familyId, tx)) &&
      (await this.tokens.familyHolds(row.familyId, successorHash, tx))
    );
  }

  /**
   * An account's name, role and state, and whether its session is still open: the
   * session's family holds a refresh token that is neither used, revoked nor expired.
   * Logout, a password change or reset and reuse detection all end it, and with it every
   * access token bound to it. Read together, for the access guard on every request.
   * Null: no such account.
   */
  sessionAccess(userId: number, sessionId: string): Promise<SessionAccess | null> {
    return this.tokens.sessionAccess(userId, sessionId);
  }

  /** Revokes the family a refresh token belongs to, if it is `userId`'s (logout). */
  async revokeFamilyOf(token: string, userId: number): Promise<number> {
    const row = await this.tokens.findRefresh(sha256(token));
    if (row?.userId !== userId) {
      return 0;
    }
    return this.tokens.revokeFamily(row.familyId, 'logout');
  }

  /** Revokes one session (refresh-token family) of `userId` (logout). */
  revokeSession(sessionId: string, userId: number): Promise<number> {
    return this.tokens.revokeFamily(sessionId, 'logout', undefined, userId);
  }

  /**
   * A device token: proof that this browser signed in to the account before, kept in a
   * long-lived HttpOnly cookie scoped to the login route. It lets its holder skip the
   * per-account login back-off, and nothing else.
   */
  signDevice(userId: number): Promise<string> {
    return this.jwt.signAsync(
      { typ: 'device' },
      { subject: String(userId), expiresIn: DEVICE_TTL_SECONDS },
    );
  }

  async deviceKnown(token: string, userId: number): Promise<boolean> {
    try {
      const claims = await this.jwt.verifyAsync<{ typ?: string; sub?: string }>(token);
      return claims.typ === 'device' && claims.sub === String(userId);
    } catch {
      return false;
    }
  }

  revokeAllForUser(userId: number, reason: string, tx?: Transaction): Promise<number> {
    return this.tokens.revokeAllForUser(userId, reason, tx);
  }
}
