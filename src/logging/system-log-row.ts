/**
 * Turns one pino JSON line into one row of `system_logs` in COPY's text format. This runs
 * when a batch is flushed, never when a record is logged: the logging call only queues
 * the line. PostgreSQL then stores plain column values instead of parsing every line as
 * jsonb and pulling seventeen fields out of it, which cost about four times as much CPU
 * (docs/benchmarks.md, logging).
 */

/** Columns in the order `toCopyRow` writes them. */
export const SYSTEM_LOG_COLUMNS = [
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

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/** Fields with a column of their own (or pino's process fields): the rest is `context`. */
const COLUMN_FIELDS = new Set([
  'time',
  'level',
  'msg',
  'context',
  'request_id',
  'user_id',
  'run_id',
  'ip',
  'req',
  'res',
  'duration_ms',
  'err',
  'pid',
  'hostname',
  'service',
]);

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escape(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (ch) => ESCAPES[ch] ?? ch) : text;
}

type Json = Record<string, unknown>;

function objectAt(value: unknown): Json {
  return value !== null && typeof value === 'object' ? (value as Json) : {};
}

/** A field as text (JSON for objects), cut to `max` characters, or NULL. */
function text(value: unknown, max: number): string {
  if (value === undefined || value === null) {
    return NULL;
  }
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return escape(s.length > max ? s.slice(0, max) : s);
}

/** A JSON number, or NULL (a number in a string is not one). */
function number(value: unknown, integer: boolean): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return NULL;
  }
  return String(integer ? Math.round(value) : value);
}

/** The fields without a column of their own, as a JSON object. */
function contextOf(record: Json): string {
  let out = '';
  for (const key of Object.keys(record)) {
    if (!COLUMN_FIELDS.has(key) && record[key] !== undefined) {
      out += `${out ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(record[key])}`;
    }
  }
  return escape(`{${out}}`);
}

function pathOf(url: unknown): unknown {
  if (typeof url !== 'string') {
    return url;
  }
  const query = url.indexOf('?');
  return query >= 0 ? url.slice(0, query) : url;
}

/**
 * One COPY text row (ending in a newline), or undefined when the line is not a JSON
 * object. A completion line (`req` and `res`) is logged by `http`; the `ip` column is
 * the request's, or a service line's own `ip` field; the query string is cut from the
 * path. `now` stands in for a missing time.
 */
export function toCopyRow(line: string, now: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return undefined;
  }
  const r = parsed as Json;
  const req = objectAt(r.req);
  const res = objectAt(r.res);
  const err = objectAt(r.err);
  const level = typeof r.level === 'string' && LEVELS.has(r.level) ? r.level : 'info';
  const logger = r.context ?? ('req' in r && 'res' in r ? 'http' : undefined);
  const cells = [
    typeof r.time === 'string' ? escape(r.time) : now,
    level,
    text(logger, 200),
    text(r.msg ?? '', Number.POSITIVE_INFINITY),
    text(r.request_id, 200),
    number(r.user_id, true),
    text(r.run_id, 200),
    text(req.ip ?? r.ip, 100),
    text(req.user_agent, 1000),
    text(req.method, 20),
    text(pathOf(req.url), 2000),
    number(res.status_code, true),
    number(r.duration_ms, false),
    text(err.type, 200),
    text(err.message, 10_000),
    text(err.stack, 20_000),
    contextOf(r),
  ];
  return `${cells.join('\t')}\n`;
}
