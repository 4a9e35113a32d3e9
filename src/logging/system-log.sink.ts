import type { Pool } from 'pg';

import { insertSystemLogBatch } from './system-log-batch.repository.js';

function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('22');
}

export interface SinkStats {
  buffered: number;
  written: number;
  dropped: number;
  failedFlushes: number;
  attached: boolean;
}

/**
 * A pino destination that batches records into multi-row INSERTs on its own small pool.
 * Writing never waits for the database; the buffer is bounded (oldest records are
 * dropped and counted); failures go to stderr, never back into the logger.
 */
export class SystemLogSink {
  private buffer: string[] = [];
  private pool?: Pool;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private retryAt = 0;
  private backoffMs = 1000;
  private lastComplaint = 0;
  private closed = false;
  readonly stats: SinkStats = {
    buffered: 0,
    written: 0,
    dropped: 0,
    failedFlushes: 0,
    attached: false,
  };

  constructor(
    private readonly batchSize: number,
    private readonly flushMs: number,
    private readonly maxBuffered: number,
  ) {}

  write(line: string): void {
    if (this.closed) {
      return;
    }
    // pino ends each record with a newline, which is whitespace inside the JSON array the
    // batch joins records into, so the line is kept as it came.
    this.buffer.push(line);
    if (this.buffer.length > this.maxBuffered) {
      const excess = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, excess);
      this.stats.dropped += excess;
    }
    this.stats.buffered = this.buffer.length;
    if (this.buffer.length >= this.batchSize) {
      this.kick(0);
    } else {
      this.kick(this.flushMs);
    }
  }

  /** Starts writing to the database (until then records wait in the buffer). */
  attach(pool: Pool): void {
    this.pool = pool;
    this.stats.attached = true;
    this.kick(0);
  }

  private kick(delayMs: number): void {
    if (!this.pool || this.timer || this.flushing) {
      return;
    }
    const wait = Math.max(delayMs, this.retryAt - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => this.complain(error));
    }, wait);
    this.timer.unref();
  }

  /** Writes everything buffered (in batches); resolves when done or on the first failure. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
      if (this.buffer.length > 0 && !this.closed) {
        this.kick(this.flushMs);
      }
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.pool && this.buffer.length > 0) {
      const pool = this.pool;
      const batch = this.buffer.splice(0, this.batchSize);
      this.stats.buffered = this.buffer.length;
      try {
        await this.insert(pool, batch);
        this.backoffMs = 1000;
        this.retryAt = 0;
      } catch (error) {
        // Put the batch back in front (the bound still applies) and back off.
        this.buffer.unshift(...batch);
        if (this.buffer.length > this.maxBuffered) {
          const excess = this.buffer.length - this.maxBuffered;
          this.buffer.splice(0, excess);
          this.stats.dropped += excess;
        }
        this.stats.buffered = this.buffer.length;
        this.stats.failedFlushes += 1;
        this.retryAt = Date.now() + this.backoffMs;
        this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
        this.complain(error);
        return;
      }
    }
  }

  private async insert(pool: Pool, batch: string[]): Promise<void> {
    try {
      await insertSystemLogBatch(pool, batch);
      this.stats.written += batch.length;
    } catch (error) {
      // A data error (class 22) means some record is not valid JSON: write the others
      // one by one and drop only the bad ones. Anything else is an outage: rethrow.
      if (!isDataError(error)) {
        throw error;
      }
      for (const line of batch) {
        try {
          await insertSystemLogBatch(pool, [line]);
          this.stats.written += 1;
        } catch (lineError) {
          if (!isDataError(lineError)) {
            throw lineError;
          }
          this.stats.dropped += 1;
        }
      }
    }
  }

  private complain(error: unknown): void {
    const now = Date.now();
    if (now - this.lastComplaint < 30_000) {
      return;
    }
    this.lastComplaint = now;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `system_logs writer: insert failed (${message}); ${this.stats.buffered} buffered, ${this.stats.dropped} dropped so far\n`,
    );
  }

  /** Final flush, then stop accepting records. */
  async close(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = undefined;
    this.retryAt = 0;
    await this.flushing;
    await this.flush();
    this.closed = true;
  }
}
