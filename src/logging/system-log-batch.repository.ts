import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { SYSTEM_LOG_COLUMNS } from './system-log-row.js';

const COPY_BATCH = `COPY system_logs (${SYSTEM_LOG_COLUMNS.join(', ')}) FROM STDIN`;

/**
 * Writes rows already in COPY's text format (`toCopyRow`) to `system_logs` in one COPY.
 * The writer's own pool, not the app's DataSource: log writes never compete with
 * requests. A failed COPY stores none of the batch.
 */
export async function copySystemLogRows(pool: Pool, rows: string): Promise<void> {
  const client = await pool.connect();
  // A checked-out client reports a lost connection on itself, not on the pool: without a
  // listener that would be an uncaught exception.
  let lost: Error | undefined;
  let fail: (error: Error) => void = (error) => {
    lost = error;
  };
  const onError = (error: Error) => fail(error);
  client.on('error', onError);
  let broken: Error | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      fail = reject;
      if (lost) {
        reject(lost);
        return;
      }
      const stream = client.query(copyFrom(COPY_BATCH));
      stream.on('finish', resolve);
      stream.on('error', reject);
      stream.end(rows);
    });
  } catch (error) {
    // A refused row leaves the connection usable; anything else may not have.
    const code = (error as { code?: unknown }).code;
    if (!(typeof code === 'string' && code.startsWith('22'))) {
      broken = error instanceof Error ? error : new Error(String(error));
    }
    throw error;
  } finally {
    if (broken) {
      // Discarded: whatever it still reports is of no interest.
      fail = () => undefined;
    } else {
      client.removeListener('error', onError);
    }
    client.release(broken);
  }
}
