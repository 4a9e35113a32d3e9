import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';

import { runInBackground } from '../common/background.js';
import { AppConfig } from '../config/index.js';
import { LoginThrottledError } from './auth.errors.js';
import { type BackoffPolicy, LoginThrottleRepository } from './login-throttle.repository.js';
import { sha256 } from './token-hash.js';

const SWEEP_MS = 10 * 60_000;

/**
 * The per-account half of login throttling (the per-IP and global budgets are rate-limit
 * policies). Failures are counted per account, or per name when no account has it, and
 * past the free attempts each attempt must wait twice as long as the last, up to a cap.
 * Nothing is ever locked: a signed-in session is untouched, a browser the account has
 * signed in from before skips the back-off (see AuthService), and anyone else waits at
 * most the cap.
 */
@Injectable()
export class LoginThrottleService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LoginThrottleService.name);
  private readonly policy: BackoffPolicy;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly repository: LoginThrottleRepository,
    config: AppConfig,
  ) {
    this.policy = {
      freeAttempts: config.auth.loginFreeAttempts,
      baseDelaySeconds: config.auth.loginBackoffBaseSeconds,
      maxDelaySeconds: config.auth.loginBackoffMaxSeconds,
      windowSeconds: config.auth.loginFailureWindowSeconds,
    };
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => {
      runInBackground(this.logger, 'login throttle sweep', () =>
        this.repository.sweep(this.policy.windowSeconds),
      );
    }, SWEEP_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Takes one attempt for the account (or, when no account has the name, for the name):
   * throws LOGIN_THROTTLED while it is in its back-off. The attempt counts as a failure
   * until `succeeded` clears it.
   */
  async reserve(subject: LoginSubject): Promise<void> {
    const next = await this.repository.reserve(keyOf(subject), this.policy);
    if (next) {
      throw new LoginThrottledError(next);
    }
  }

  async succeeded(subject: LoginSubject): Promise<void> {
    await this.repository.clear(keyOf(subject));
  }
}

/** An account's id, or the login name as typed when no account has it. */
export type LoginSubject = { userId: number } | { name: string };

/** One key per account whichever of its names is typed, else one per name. */
function keyOf(subject: LoginSubject): string {
  return sha256(
    'userId' in subject ? `user:${subject.userId}` : `name:${subject.name.trim().toLowerCase()}`,
  );
}
