import type { TestDb } from '../support/test-db.js';

/**
 * Moves auth state through time in the database instead of waiting for it: the app has no
 * API to age a back-off or a reset token, and tests must not sleep for either.
 */

/** Ages every login name's last failure, as if `interval` (a PostgreSQL interval) had passed. */
export async function elapseLoginBackoff(db: TestDb, interval: string): Promise<void> {
  await db.exec('UPDATE login_throttle SET last_failure_at = last_failure_at - $1::interval', [
    interval,
  ]);
}

/** Makes the user's password-reset tokens expired since a second ago. */
export async function expirePasswordResetTokens(db: TestDb, userId: number): Promise<void> {
  await db.exec(
    "UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1",
    [userId],
  );
}

/**
 * Ages every rotated or revoked refresh token, as if `interval` had passed since: moves a
 * rotation out of the reuse grace without waiting for it.
 */
export async function elapseRefreshRotations(db: TestDb, interval: string): Promise<void> {
  await db.exec(
    'UPDATE refresh_tokens SET revoked_at = revoked_at - $1::interval WHERE revoked_at IS NOT NULL',
    [interval],
  );
}
