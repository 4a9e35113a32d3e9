import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface BackoffPolicy {
  /** Failures within the window before attempts must wait. */
  freeAttempts: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  windowSeconds: number;
}

/** Failed-login counts per hashed login name: the state of the per-account back-off. */
@Injectable()
export class LoginThrottleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * When the next attempt for this name may be verified, if that is still ahead: from
   * `freeAttempts` failures on, the last failure plus the base delay, doubled for each
   * further failure, up to the maximum.
   */
  async nextAttemptAt(loginKey: string, policy: BackoffPolicy): Promise<Date | null> {
    const rows: { next_attempt_at: Date }[] = await this.dataSource.query(
      `SELECT next_attempt_at FROM (
         SELECT last_failure_at + make_interval(secs =>
                  least($3::float8, $5::float8 * power(2, least(failures - $2, 30)))) AS next_attempt_at
         FROM login_throttle
         WHERE login_key = $1 AND failures >= $2
           AND last_failure_at >= now() - make_interval(secs => $4)
       ) AS t
       WHERE next_attempt_at > now()`,
      [
        loginKey,
        policy.freeAttempts,
        policy.maxDelaySeconds,
        policy.windowSeconds,
        policy.baseDelaySeconds,
      ],
    );
    return rows[0]?.next_attempt_at ?? null;
  }

  /** Counts one failure atomically; failures older than the window start a fresh count. */
  async recordFailure(loginKey: string, windowSeconds: number): Promise<number> {
    const rows: { failures: number }[] = await this.dataSource.query(
      `INSERT INTO login_throttle AS t (login_key, failures, last_failure_at)
       VALUES ($1, 1, now())
       ON CONFLICT (login_key) DO UPDATE SET
         failures = CASE WHEN t.last_failure_at < now() - make_interval(secs => $2)
                         THEN 1 ELSE t.failures + 1 END,
         last_failure_at = now()
       RETURNING failures`,
      [loginKey, windowSeconds],
    );
    return rows[0]?.failures ?? 1;
  }

  async clear(loginKey: string): Promise<void> {
    await this.dataSource.query('DELETE FROM login_throttle WHERE login_key = $1', [loginKey]);
  }

  /** Forgets names whose last failure left the window; returns how many. */
  async sweep(windowSeconds: number): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      'DELETE FROM login_throttle WHERE last_failure_at < now() - make_interval(secs => $1)',
      [windowSeconds],
    );
    return affected;
  }
}
