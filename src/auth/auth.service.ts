import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';

import { runInBackground } from '../common/background.js';
import { AppConfig } from '../config/index.js';
import {
  ForbiddenError,
  InvalidCredentialsError,
  InvalidResetTokenError,
  UnauthorizedError,
} from './auth.errors.js';
import type { UserEntity } from './entities/user.entity.js';
import { type LoginSubject, LoginThrottleService } from './login-throttle.service.js';
import { MailerService } from './mail/mailer.service.js';
import { PasswordsService } from './passwords.service.js';
import { newOpaqueToken, sha256 } from './token-hash.js';
import { TokensRepository } from './tokens.repository.js';
import { type ClientInfo, TokensService } from './tokens.service.js';
import { UsersRepository } from './users.repository.js';

export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

const RESET_TTL_MS = 60 * 60 * 1000;

/** Login, token refresh and logout, password change and the forgotten-password flow. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordsService,
    private readonly tokens: TokensService,
    private readonly tokenRows: TokensRepository,
    private readonly mailer: MailerService,
    private readonly config: AppConfig,
    private readonly throttle: LoginThrottleService,
  ) {}

  /**
   * A known and an unknown name take the same path: one lookup, one reserved attempt, one
   * Argon2 verification (against a decoy hash when there is no account), so neither the
   * answer nor its timing tells them apart. A browser holding this account's device
   * cookie (set by an earlier successful login) skips the back-off, so someone guessing
   * at an account cannot keep its owner out.
   */
  async login(
    login: string,
    password: string,
    client: ClientInfo,
    deviceToken?: string,
  ): Promise<Session & { deviceToken: string }> {
    const name = login.trim();
    const user = await this.users.findByLogin(name);
    const subject: LoginSubject = user ? { userId: user.id } : { name };
    const knownDevice =
      user !== null &&
      deviceToken !== undefined &&
      (await this.tokens.deviceKnown(deviceToken, user.id));
    if (!knownDevice) {
      await this.throttle.reserve(subject);
    }
    const valid = await this.passwords.verify(user?.passwordHash ?? null, password);
    if (!user || !valid) {
      // The client's address is what an operator looks for in failed logins; service
      // lines do not carry the request's, so it is named here (the `ip` column).
      if (user) {
        this.logger.warn({ user_id: user.id, ip: client.ip }, 'login failed: wrong password');
      } else {
        this.logger.warn({ ip: client.ip }, 'login failed for an unknown account');
      }
      throw new InvalidCredentialsError();
    }
    if (!user.isActive) {
      throw new ForbiddenError('Account is disabled', 'ACCOUNT_DISABLED');
    }
    await Promise.all([
      this.users.recordSuccessfulLogin(user.id),
      this.throttle.succeeded(subject),
    ]);
    this.logger.log({ user_id: user.id }, 'login succeeded');
    const [session, device] = await Promise.all([
      this.openSession(user, client),
      this.tokens.signDevice(user.id),
    ]);
    return { ...session, deviceToken: device };
  }

  /** A new session: a refresh-token family, and an access token bound to it. */
  private async openSession(user: UserEntity, client: ClientInfo): Promise<Session> {
    const sessionId = randomUUID();
    const [accessToken, refreshToken] = await Promise.all([
      this.tokens.signAccess(user.id, user.role, sessionId),
      this.tokens.issueRefresh(user.id, client, sessionId),
    ]);
    return { accessToken, refreshToken, expiresIn: this.tokens.accessTtlSeconds };
  }

  async refresh(refreshToken: string, client: ClientInfo): Promise<Session> {
    const outcome = await this.tokens.rotate(refreshToken, client);
    if (outcome.kind === 'invalid') {
      throw new UnauthorizedError('Refresh token invalid or expired', 'INVALID_REFRESH_TOKEN');
    }
    if (outcome.kind === 'reused') {
      this.logger.warn({ user_id: outcome.userId }, 'refresh token reuse: session family revoked');
      throw new UnauthorizedError(
        'Refresh token was already used; the session has been revoked',
        'REFRESH_TOKEN_REUSED',
      );
    }
    const user = await this.users.findById(outcome.userId);
    if (!user?.isActive) {
      throw new UnauthorizedError('Account is disabled', 'ACCOUNT_DISABLED');
    }
    const accessToken = await this.tokens.signAccess(user.id, user.role, outcome.sessionId);
    return { accessToken, refreshToken: outcome.token, expiresIn: this.tokens.accessTtlSeconds };
  }

  /**
   * Ends the caller's session (the one its access token belongs to) and the session of a
   * presented refresh token of the same user; with `everywhere`, every session of the user.
   * Returns how many refresh tokens were revoked.
   */
  async logout(
    userId: number,
    sessionId: string | undefined,
    refreshToken: string | undefined,
    everywhere: boolean,
  ): Promise<number> {
    if (everywhere) {
      return this.tokens.revokeAllForUser(userId, 'logout-everywhere');
    }
    let revoked = sessionId ? await this.tokens.revokeSession(sessionId, userId) : 0;
    if (refreshToken) {
      revoked += await this.tokens.revokeFamilyOf(refreshToken, userId);
    }
    return revoked;
  }

  async changePassword(userId: number, current: string, next: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) {
      throw new UnauthorizedError();
    }
    if (!(await this.passwords.verify(user.passwordHash, current))) {
      throw new ForbiddenError('Current password is incorrect', 'INVALID_CURRENT_PASSWORD');
    }
    this.passwords.assertStrong(next, [user.username, user.email]);
    const hash = await this.passwords.hash(next);
    await this.tokenRows.transaction(async (manager) => {
      await this.users.setPassword(user.id, hash, manager);
      await this.tokens.revokeAllForUser(user.id, 'password-changed', manager);
    });
    this.logger.log({ user_id: user.id }, 'password changed; other sessions revoked');
  }

  /**
   * Answers at once, the same way whether or not the address belongs to an account; the
   * lookup, token and mail happen in the background so timing reveals nothing either.
   */
  forgotPassword(email: string): void {
    runInBackground(this.logger, 'password reset request', () => this.sendResetMail(email));
  }

  private async sendResetMail(email: string): Promise<void> {
    const user = await this.users.findByEmail(email.trim());
    if (!user?.isActive) {
      return;
    }
    const limit = this.config.rateLimits.forgotPasswordPerAccountPerHour;
    if ((await this.tokenRows.countRecentPasswordResets(user.id, 3600)) >= limit) {
      this.logger.warn({ user_id: user.id }, 'password reset mail not sent: per-account limit');
      return;
    }
    const { token, hash } = newOpaqueToken('pr');
    await this.tokenRows.expirePasswordResets(user.id);
    await this.tokenRows.insertPasswordReset(user.id, hash, new Date(Date.now() + RESET_TTL_MS));
    const link = `${this.config.mail.appUrl.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
    await this.mailer.send({
      to: user.email,
      subject: 'Reset your Kidney Genetics DB password',
      text:
        `A password reset was requested for ${user.username}.\n\n` +
        `Open this link within one hour to choose a new password:\n${link}\n\n` +
        `Reset token: ${token}\n\nIf you did not ask for this, ignore this message.`,
    });
  }

  async resetPassword(token: string, next: string): Promise<void> {
    const hash = sha256(token);
    await this.tokenRows.transaction(async (manager) => {
      const userId = await this.tokenRows.consumePasswordReset(hash, manager);
      if (userId === null) {
        throw new InvalidResetTokenError();
      }
      const user = await this.users.findById(userId, manager);
      if (!user) {
        throw new InvalidResetTokenError();
      }
      this.passwords.assertStrong(next, [user.username, user.email]);
      await this.users.setPassword(user.id, await this.passwords.hash(next), manager);
      await this.tokenRows.expirePasswordResets(user.id, manager);
      await this.tokens.revokeAllForUser(user.id, 'password-reset', manager);
    });
  }
}
