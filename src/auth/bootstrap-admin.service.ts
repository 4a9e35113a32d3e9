import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { AppConfig } from '../config/index.js';
import { PasswordsService } from './passwords.service.js';
import { TokensService } from './tokens.service.js';
import { UsersRepository } from './users.repository.js';

/**
 * Ensures an admin exists on first start. A generated password is written once to
 * stdout directly (never through the logger, so never into a log store).
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordsService,
    private readonly tokens: TokensService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.admin;
    if (!(await this.users.anyAdmin())) {
      await this.create();
    } else if (admin.forcePasswordReset) {
      await this.resetPassword();
    }
  }

  private async create(): Promise<void> {
    const { username, email, password } = this.config.auth.admin;
    const chosen = password ?? this.passwords.generate();
    if (password) {
      this.passwords.assertStrong(password);
    }
    const created = await this.users.insertIfAbsent({
      username,
      email,
      fullName: 'Administrator',
      passwordHash: await this.passwords.hash(chosen),
      role: 'admin',
      isVerified: true,
    });
    // Another instance starting at the same time may have created it first.
    if (!created) {
      return;
    }
    this.logger.log({ target_user_id: created.id }, `bootstrap admin "${username}" created`);
    if (!password) {
      this.announce(username, chosen);
    }
  }

  private async resetPassword(): Promise<void> {
    const { username, password } = this.config.auth.admin;
    const user = await this.users.findByLogin(username);
    if (!user) {
      this.logger.warn(`ADMIN_FORCE_PASSWORD_RESET: no user "${username}" to reset`);
      return;
    }
    const chosen = password ?? this.passwords.generate();
    if (password) {
      this.passwords.assertStrong(password);
    }
    await this.users.setPassword(user.id, await this.passwords.hash(chosen));
    await this.tokens.revokeAllForUser(user.id, 'admin-password-reset');
    this.logger.warn({ target_user_id: user.id }, `admin "${username}" password reset at startup`);
    if (!password) {
      this.announce(username, chosen);
    }
  }

  private announce(username: string, password: string): void {
    process.stdout.write(
      `\n  Admin account "${username}" — generated password (shown once, store it now):\n` +
        `    ${password}\n  Set ADMIN_PASSWORD to choose your own.\n\n`,
    );
  }
}
