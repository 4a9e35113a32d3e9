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
    if (verdicts.size < 10_000) verdicts.set(key, sensitive);
  }
  return sensitive;
}

const MAX_DEPTH = 8;

/**
 * Returns a copy of `value` with every sensitive field replaced. Errors keep their
 * type, message and stack; cycles and very deep objects are cut rather than walked.
 */
export function redactDeep(value: unknown, depth = 0, seen?: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  seen ??= new WeakSet<object>();
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const source: Record<string, unknown> =
    value instanceof Error
      ? { ...value, type: value.name, message: value.message, stack: value.stack }
      : (value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(source)) out[key] = redactField(key, v, depth + 1, seen);
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
