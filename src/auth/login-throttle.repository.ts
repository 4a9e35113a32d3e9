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

/*
 * SQL over a `login_throttle` row `t`, with the parameters of `reserve`: $2 free attempts,
 * $3 longest delay, $4 window, $5 base delay (seconds).
 */
/** Failures before this no longer count. */
const WINDOW_START = 'now() - make_interval(secs => $4)';
/** When the next attempt may be made: the base delay, doubled per failure past the free ones. */
const NEXT_ATTEMPT =
  't.last_failure_at + make_interval(secs => ' +
  'least($3::float8, $5::float8 * power(2, least(t.failures - $2, 30))))';

/** Failed-login counts per hashed login name: the state of the per-account back-off. */
@Injectable()
export class LoginThrottleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Reserves one attempt atomically, counted as a failure until a success clears it:
   * refused (returns when the next attempt may be made) while the key is in its back-off,
   * which from `freeAttempts` failures on is the last failure plus the base delay, doubled
   * for each further failure, up to the maximum. Failures older than the window start a
   * fresh count. Parallel attempts each take their own reservation, so a burst cannot
   * slip past the back-off between a check and a count.
   */
  async reserve(loginKey: string, policy: BackoffPolicy): Promise<Date | null> {
    const params = [
      loginKey,
      policy.freeAttempts,
      policy.maxDelaySeconds,
      policy.windowSeconds,
      policy.baseDelaySeconds,
    ];
    const reserved: { failures: number }[] = await this.dataSource.query(
      `INSERT INTO login_throttle AS t (login_key, failures, last_failure_at)
       VALUES ($1, 1, now())
       ON CONFLICT (login_key) DO UPDATE SET
         failures = CASE WHEN t.last_failure_at < ${WINDOW_START} THEN 1 ELSE t.failures + 1 END,
         last_failure_at = now()
       WHERE t.failures < $2 OR t.last_failure_at < ${WINDOW_START} OR ${NEXT_ATTEMPT} <= now()
       RETURNING failures`,
      params,
    );
    if (reserved.length > 0) {
      return null;
    }
    const waiting: { next_attempt_at: Date }[] = await this.dataSource.query(
      `SELECT greatest(now() + interval '1 second', ${NEXT_ATTEMPT}) AS next_attempt_at
       FROM login_throttle t WHERE t.login_key = $1 AND t.last_failure_at >= ${WINDOW_START}`,
      params,
    );
    return waiting[0]?.next_attempt_at ?? new Date(Date.now() + 1000);
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
