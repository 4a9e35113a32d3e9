import type { DataSource } from 'typeorm';

export type LockedResult<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `work` while this process holds the session advisory lock named `name`, taken
 * without waiting: when another session (another instance) holds it, nothing runs and
 * `acquired` is false. The lock lives on one pooled connection for the duration and is
 * released even when `work` throws; if the process dies, PostgreSQL drops it with the
 * session.
 */
export async function withTryAdvisoryLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
): Promise<LockedResult<T>> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      name,
    ])) as { locked: boolean }[];
    if (!row?.locked) {
      return { acquired: false };
    }
    try {
      return { acquired: true, value: await work() };
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Runs `work` while holding the session advisory lock named `name`, waiting for it: for
 * setup steps several instances starting together must take one at a time.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    await runner.release();
  }
}
