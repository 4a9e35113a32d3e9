import type { Logger } from '@nestjs/common';

/**
 * Tracks whether L2 (PostgreSQL) is usable. After a failure it is skipped for a short
 * window, so a database outage costs one timeout, not one per cache call; warnings
 * about dropped writes are rate limited.
 */
export class L2Breaker {
  private openUntil = 0;
  private lastWarning = 0;
  droppedWrites = 0;
  failures = 0;
  lastError: string | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly retryAfterMs = 5_000,
    private readonly warnEveryMs = 30_000,
  ) {}

  available(now = Date.now()): boolean {
    return now >= this.openUntil;
  }

  get degraded(): boolean {
    return !this.available();
  }

  get retryAt(): number | null {
    return this.available() ? null : this.openUntil;
  }

  failure(error: unknown, now = Date.now()): void {
    this.failures += 1;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.openUntil = now + this.retryAfterMs;
    this.warn(`cache L2 unavailable (${this.lastError}); serving from memory`, now);
  }

  dropWrite(now = Date.now()): void {
    this.droppedWrites += 1;
    this.warn(`cache L2 unavailable: ${this.droppedWrites} write(s) kept in memory only`, now);
  }

  succeeded(): void {
    this.openUntil = 0;
  }

  private warn(message: string, now: number): void {
    if (now - this.lastWarning < this.warnEveryMs) {
      return;
    }
    this.lastWarning = now;
    this.logger.warn(message);
  }
}
