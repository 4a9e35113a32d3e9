import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/index.js';
import { UnauthorizedError } from './auth.errors.js';
import type { Role } from './roles.js';
import { newOpaqueToken, sha256 } from './token-hash.js';
import { TokensRepository } from './tokens.repository.js';

export const JWT_ISSUER = 'kidney-genetics-db';

export interface AccessClaims {
  sub: string;
  role: Role;
  typ: 'access';
  iat: number;
  exp: number;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export type RefreshOutcome =
  | { kind: 'rotated'; userId: number; token: string }
  | { kind: 'reused'; userId: number }
  | { kind: 'invalid' };

/** Signs and checks access JWTs; issues, rotates and revokes opaque refresh tokens. */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly tokens: TokensRepository,
  ) {}

  get accessTtlSeconds(): number {
    return this.config.auth.accessTtlSeconds;
  }

  signAccess(userId: number, role: Role): Promise<string> {
    return this.jwt.signAsync(
      { role, typ: 'access' },
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
    if (claims.typ !== 'access' || !/^\d+$/.test(claims.sub)) {
      throw new UnauthorizedError('Invalid access token', 'INVALID_TOKEN');
    }
    return claims;
  }

  /** Starts a new family (a login) or continues one (a rotation). */
  async issueRefresh(
    userId: number,
    client: ClientInfo,
    familyId: string = randomUUID(),
    manager?: EntityManager,
  ): Promise<string> {
    const { token, hash } = newOpaqueToken('rt');
    await this.tokens.insertRefresh(
      {
        userId,
        familyId,
        tokenHash: hash,
        expiresAt: new Date(Date.now() + this.config.auth.refreshTtlSeconds * 1000),
        userAgent: client.userAgent?.slice(0, 512) ?? null,
        ip: client.ip,
      },
      manager,
    );
    return token;
  }

  /**
   * Exchanges a refresh token for its successor. Presenting a token that was already
   * rotated or revoked means it leaked: the whole family is revoked.
   */
  async rotate(token: string, client: ClientInfo): Promise<RefreshOutcome> {
    const hash = sha256(token);
    return this.tokens.transaction(async (manager): Promise<RefreshOutcome> => {
      const row = await this.tokens.findRefreshForUpdate(hash, manager);
      if (!row) return { kind: 'invalid' };
      if (row.revokedAt) {
        await this.tokens.revokeFamily(row.familyId, 'reuse-detected', manager);
        return { kind: 'reused', userId: row.userId };
      }
      if (row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
      await this.tokens.revokeRefresh(row.id, 'rotated', manager);
      const next = await this.issueRefresh(row.userId, client, row.familyId, manager);
      return { kind: 'rotated', userId: row.userId, token: next };
    });
  }

  /** Revokes the family a refresh token belongs to (logout of that session). */
  async revokeFamilyOf(token: string): Promise<number | null> {
    const row = await this.tokens.findRefresh(sha256(token));
    if (!row) return null;
    await this.tokens.revokeFamily(row.familyId, 'logout');
    return row.userId;
  }

  revokeAllForUser(userId: number, reason: string, manager?: EntityManager): Promise<number> {
    return this.tokens.revokeAllForUser(userId, reason, manager);
  }
}
