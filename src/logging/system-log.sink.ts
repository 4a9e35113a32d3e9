import type { Pool } from 'pg';

const LEVELS: Record<string, true> = {
  fatal: true,
  error: true,
  warn: true,
  info: true,
  debug: true,
  trace: true,
};
const COLUMNS = [
  'timestamp',
  'level',
  'logger',
  'message',
  'request_id',
  'user_id',
  'run_id',
  'ip',
  'user_agent',
  'method',
  'path',
  'status_code',
  'duration_ms',
  'error_type',
  'error_message',
  'stack',
  'context',
] as const;

type Row = unknown[];

/** Fields mapped to columns; everything else lands in the `context` JSONB. */
const MAPPED = new Set([
  'time',
  'level',
  'msg',
  'context',
  'request_id',
  'user_id',
  'run_id',
  'req',
  'res',
  'duration_ms',
  'err',
  'pid',
  'hostname',
  'service',
]);

function str(v: unknown, max = 10_000): string | null {
  if (v === undefined || v === null) return null;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? s.slice(0, max) : s;
}

function int(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) ? n : null;
}

/** Turns one pino JSON line into a system_logs row (null for lines it cannot read). */
export function toRow(line: string): Row | null {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const req = (r.req ?? {}) as Record<string, unknown>;
  const res = (r.res ?? {}) as Record<string, unknown>;
  const err = (r.err ?? {}) as Record<string, unknown>;
  const isRequest = r.req !== undefined && r.res !== undefined;
  const context: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!MAPPED.has(k)) context[k] = v;
  const url = typeof req.url === 'string' ? req.url : null;
  const level = typeof r.level === 'string' && LEVELS[r.level] ? r.level : 'info';
  return [
    typeof r.time === 'string' || typeof r.time === 'number' ? new Date(r.time) : new Date(),
    level,
    str(r.context, 200) ?? (isRequest ? 'http' : null),
    str(r.msg) ?? '',
    str(r.request_id, 200),
    int(r.user_id),
    str(r.run_id, 200),
    str(req.ip, 100),
    str(req.user_agent, 1000),
    str(req.method, 20),
    url ? url.split('?')[0].slice(0, 2000) : null,
    int(res.status_code),
    typeof r.duration_ms === 'number' ? r.duration_ms : null,
    str(err.type, 200),
    str(err.message),
    str(err.stack, 20_000),
    JSON.stringify(context),
  ];
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
    if (this.closed) return;
    this.buffer.push(line);
    if (this.buffer.length > this.maxBuffered) {
      const excess = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, excess);
      this.stats.dropped += excess;
    }
    this.stats.buffered = this.buffer.length;
    if (this.buffer.length >= this.batchSize) this.kick(0);
    else this.kick(this.flushMs);
  }

  /** Starts writing to the database (until then records wait in the buffer). */
  attach(pool: Pool): void {
    this.pool = pool;
    this.stats.attached = true;
    this.kick(0);
  }

  private kick(delayMs: number): void {
    if (!this.pool || this.timer || this.flushing) return;
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
      if (this.buffer.length > 0 && !this.closed) this.kick(this.flushMs);
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.pool && this.buffer.length > 0) {
      const pool = this.pool;
      const batch = this.buffer.splice(0, this.batchSize);
      this.stats.buffered = this.buffer.length;
      const rows = batch.map(toRow).filter((r): r is Row => r !== null);
      if (rows.length === 0) continue;
      try {
        await pool.query(insertSql(rows.length), rows.flat());
        this.stats.written += rows.length;
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

  private complain(error: unknown): void {
    const now = Date.now();
    if (now - this.lastComplaint < 30_000) return;
    this.lastComplaint = now;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `system_logs writer: insert failed (${message}); ${this.stats.buffered} buffered, ${this.stats.dropped} dropped so far\n`,
    );
  }

  /** Final flush, then stop accepting records. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.retryAt = 0;
    await this.flushing;
    await this.flush();
    this.closed = true;
  }
}

function insertSql(rowCount: number): string {
  const width = COLUMNS.length;
  const values = Array.from({ length: rowCount }, (_, r) => {
    const params = COLUMNS.map(
      (c, i) => `$${r * width + i + 1}${c === 'context' ? '::jsonb' : ''}`,
    );
    return `(${params.join(',')})`;
  });
  return `INSERT INTO system_logs (${COLUMNS.join(',')}) VALUES ${values.join(',')}`;
}
