export const REDACTED = '[REDACTED]';

/** Field names whose values never reach a log sink, matched at any depth. */
const SENSITIVE_KEY =
  /passw(or)?d|passphrase|token|secret|api[-_]?key|authorization|cookie|credential|private[-_]?key/i;

// Log records reuse a small set of field names; remember each name's verdict.
const verdicts = new Map<string, boolean>();

export function isSensitiveKey(key: string): boolean {
  let sensitive = verdicts.get(key);
  if (sensitive === undefined) {
    sensitive = SENSITIVE_KEY.test(key);
    if (verdicts.size < 10_000) {
      verdicts.set(key, sensitive);
    }
  }
  return sensitive;
}

/**
 * Secrets recognised by their shape wherever they appear inside a string (an error
 * message, a stack, a SQL error's detail), whatever the field is called:
 * - argon2 and bcrypt password hashes (`$argon2id$v=19$m=…`, `$2b$12$…`);
 * - JWTs: three base64url segments, the first a JSON header (`eyJ…`);
 * - the credential after `Bearer` (8 characters or more, so prose like "Bearer token"
 *   stays readable);
 * - this app's opaque tokens (src/auth/token-hash.ts `newOpaqueToken`): `rt_` refresh
 *   and `pr_` password-reset tokens followed by 256 random bits in base64url;
 * - the password of a URL with credentials (`postgres://user:password@host`, as in a
 *   driver's connection error): the scheme, user and host stay readable. The password
 *   runs to the last `@` before the path, so an unencoded `@` in it is masked too.
 */
const SECRET_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/\$argon2(?:id|i|d)\$[A-Za-z0-9+/=,.$-]*/g, REDACTED],
  [/\$2[abxy]?\$\d{1,2}\$[./A-Za-z0-9]{20,}/g, REDACTED],
  [/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/(?<![A-Za-z0-9_-])(?:rt|pr)_[A-Za-z0-9_-]{40,}/g, REDACTED],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):[^\s/?#]+@/gi, `$1:${REDACTED}@`],
];

/** A cheap first look: every shape above contains one of these. */
const MAYBE_SECRET = /\$argon2|\$2[abxy]?\$|eyJ|bearer|rt_|pr_|:\/\//i;

/** The shortest string any shape can match (`a://:p@`); shorter ones are returned as they are. */
const MIN_SECRET_LENGTH = 7;

/** `text` with every secret recognised by its shape replaced by `[REDACTED]`. */
export function redactString(text: string): string {
  if (text.length < MIN_SECRET_LENGTH || !MAYBE_SECRET.test(text)) {
    return text;
  }
  let out = text;
  for (const [shape, replacement] of SECRET_SHAPES) {
    out = out.replace(shape, replacement);
  }
  return out;
}

/**
 * Query parameters such as `?token=` are masked before a URL is logged, and so is
 * anything shaped like a secret (a JWT or opaque token in the path or another parameter).
 */
export function safeUrl(rawUrl: string | undefined): string {
  const url = rawUrl ?? '';
  const q = url.indexOf('?');
  if (q < 0) {
    return redactString(url);
  }
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) {
    if (isSensitiveKey(key)) {
      params.set(key, REDACTED);
    }
  }
  const query = params.toString();
  return redactString(query ? `${url.slice(0, q)}?${query}` : url.slice(0, q));
}

/** How much of a failed statement's SQL a log keeps. */
export const MAX_LOGGED_QUERY_LENGTH = 500;

/**
 * A database error (TypeORM's QueryFailedError and the like) carries the statement and
 * its bound values. The values are the very data a statement writes (a new password
 * hash, a token digest, personal data), so they never reach a log; the SQL is kept,
 * shortened, to show which statement failed.
 */
function isStatementCarrier(source: Record<string, unknown>, isError: boolean): boolean {
  return (
    'parameters' in source &&
    (isError || typeof source.query === 'string' || typeof source.sql === 'string')
  );
}

function truncated(sql: unknown): unknown {
  if (typeof sql !== 'string' || sql.length <= MAX_LOGGED_QUERY_LENGTH) {
    return sql;
  }
  return `${sql.slice(0, MAX_LOGGED_QUERY_LENGTH)}… (${sql.length} chars)`;
}

const MAX_DEPTH = 8;

/**
 * Returns a copy of `value` with every sensitive field replaced, secrets inside strings
 * masked by shape, and statement parameters dropped from database errors. Errors keep
 * their type, message and stack; cycles and very deep objects are cut rather than walked.
 */
export function redactDeep(value: unknown, depth = 0, seen?: WeakSet<object>): unknown {
  if (typeof value === 'string') {
    return redactString(value);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  seen ??= new WeakSet<object>();
  if (seen.has(value)) {
    return '[Circular]';
  }
  if (depth >= MAX_DEPTH) {
    return '[Truncated]';
  }
  seen.add(value);
  if (Array.isArray(value)) {
    return value.map((v) => redactDeep(v, depth + 1, seen));
  }
  if (value instanceof Date || Buffer.isBuffer(value)) {
    return value;
  }
  const isError = value instanceof Error;
  const source: Record<string, unknown> = isError
    ? { ...value, type: value.name, message: value.message, stack: value.stack }
    : (value as Record<string, unknown>);
  const statement = isStatementCarrier(source, isError);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(source)) {
    if (statement && key === 'parameters') {
      if (v !== undefined && v !== null) {
        out[key] = REDACTED;
      }
      continue;
    }
    const field = statement && (key === 'query' || key === 'sql') ? truncated(v) : v;
    out[key] = redactField(key, field, depth + 1, seen);
  }
  return out;
}

/** One field of an object being redacted at `depth`: masked by name, or walked. */
export function redactField(
  key: string,
  value: unknown,
  depth: number,
  seen?: WeakSet<object>,
): unknown {
  return isSensitiveKey(key) && value !== undefined && value !== null
    ? REDACTED
    : redactDeep(value, depth, seen);
}
