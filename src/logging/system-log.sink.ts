import type { Pool } from 'pg';

import type { LogDbRequests } from '../config/environment.js';
import { completionStatus, storesRequestLine } from './request-lines.js';
import { copySystemLogRows } from './system-log-batch.repository.js';
import { toCopyRow } from './system-log-row.js';

const PINO_METADATA: unique symbol = Symbol.for('pino.metadata');

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
 * A pino destination that batches records into one COPY each on its own small pool.
 * Writing never waits for the database; the buffer is bounded (oldest records are
 * dropped and counted); failures go to stderr, never back into the logger.
 */
export class SystemLogSink {
  /** pino's multistream hands each record's level and fields to a stream that asks. */
  readonly [PINO_METADATA] = true;
  lastLevel?: number;
  lastObj?: unknown;
  private buffer: string[] = [];
  private pool?: Pool;
  private timer?: NodeJS.Timeout;
  private timerDue = 0;
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
    private readonly requests: LogDbRequests = 'all',
  ) {}

  write(line: string): void {
    if (this.closed || !this.keeps()) {
      return;
    }
    // As it came: the flush parses it (pino's trailing newline is whitespace to JSON).
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

  /** Whether the record being written is stored: request lines by LOG_DB_REQUESTS. */
  private keeps(): boolean {
    if (this.requests === 'all') {
      return true;
    }
    const status = completionStatus(this.lastObj);
    return status === undefined || storesRequestLine(this.requests, this.lastLevel ?? 0, status);
  }

  /** Starts writing to the database (until then records wait in the buffer). */
  attach(pool: Pool): void {
    this.pool = pool;
    this.stats.attached = true;
    this.kick(0);
  }

  private kick(delayMs: number): void {
    if (!this.pool || this.flushing) {
      return;
    }
    const now = Date.now();
    const due = Math.max(now + delayMs, this.retryAt);
    if (this.timer) {
      // A full batch does not wait for the timer its first record started.
      if (due >= this.timerDue) {
        return;
      }
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => this.complain(error));
    }, due - now);
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
      const { lines, rows } = this.convert(batch);
      try {
        await this.insert(pool, rows);
        this.backoffMs = 1000;
        this.retryAt = 0;
      } catch (error) {
        // Put the batch back in front (the bound still applies) and back off.
        this.buffer.unshift(...lines);
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

  /**
   * The batch's COPY rows, converted here, in the flush, so logging a record only queues
   * its line; and the lines they came from. A line that is not a JSON object can never be
   * stored: it is dropped (and counted) once, here.
   */
  private convert(batch: string[]): { lines: string[]; rows: string[] } {
    const now = new Date().toISOString();
    const lines: string[] = [];
    const rows: string[] = [];
    for (const line of batch) {
      const row = toCopyRow(line, now);
      if (row === undefined) {
        this.stats.dropped += 1;
      } else {
        lines.push(line);
        rows.push(row);
      }
    }
    return { lines, rows };
  }

  private async insert(pool: Pool, rows: string[]): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    try {
      await copySystemLogRows(pool, rows.join(''));
      this.stats.written += rows.length;
    } catch (error) {
      // A data error (class 22) means PostgreSQL refused some value (a time it cannot
      // read, a number out of range): write the rows one by one and drop only the bad
      // ones. Anything else is an outage: rethrow.
      if (!isDataError(error)) {
        throw error;
      }
      for (const row of rows) {
        try {
          await copySystemLogRows(pool, row);
          this.stats.written += 1;
        } catch (rowError) {
          if (!isDataError(rowError)) {
            throw rowError;
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
