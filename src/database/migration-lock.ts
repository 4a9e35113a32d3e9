import type { DataSource, Migration } from 'typeorm';

/** Arbitrary but fixed: every instance of this service contends for the same lock. */
export const MIGRATION_LOCK_KEY = 727_304_611;

/**
 * Runs pending migrations while holding a session-level advisory lock, so instances
 * that start together apply each migration exactly once; the others wait, then find
 * nothing pending. Optional `whileLocked` work (e.g. idempotent registry seeding)
 * runs under the same lock.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  whileLocked?: () => Promise<void>,
): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (whileLocked) {
        await whileLocked();
      }
      return applied;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
