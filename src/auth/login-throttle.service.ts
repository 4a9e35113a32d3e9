import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { runInBackground } from '../common/background.js';
import { AppConfig } from '../config/index.js';
import { LoginThrottledError } from './auth.errors.js';
import { LoginThrottleRepository, type BackoffPolicy } from './login-throttle.repository.js';
import { sha256 } from './token-hash.js';

const SWEEP_MS = 10 * 60_000;

/**
 * The per-account half of login throttling (the per-IP and global budgets are rate-limit
 * policies). Failures are counted per login name as typed, known account or not, and
 * past the free attempts each attempt must wait twice as long as the last, up to a cap.
 * Nothing is ever locked: a signed-in session is untouched and the owner waits at most
 * the cap.
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

  /** Throws LOGIN_THROTTLED while this login name is in its back-off. */
  async assertMayAttempt(login: string): Promise<void> {
    const next = await this.repository.nextAttemptAt(keyOf(login), this.policy);
    if (next) throw new LoginThrottledError(next);
  }

  async recordFailure(login: string): Promise<number> {
    return this.repository.recordFailure(keyOf(login), this.policy.windowSeconds);
  }

  async recordSuccess(login: string): Promise<void> {
    await this.repository.clear(keyOf(login));
  }
}

function keyOf(login: string): string {
  return sha256(login.trim().toLowerCase());
}
