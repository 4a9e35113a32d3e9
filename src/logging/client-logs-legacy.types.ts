/**
 * The original frontend's client-log entry (`POST /client-logs`: upper-case levels,
 * `stack_trace`, and `error_type`/`error_message` that may be objects) → this service's.
 */
export function legacyClientLogBody(body: Record<string, unknown>): Record<string, unknown> {
  const { level, stack_trace, error_type, error_message, context, ...rest } = body;
  const levels: Record<string, string> = {
    CRITICAL: 'error',
    ERROR: 'error',
    WARN: 'warn',
    WARNING: 'warn',
    INFO: 'info',
    DEBUG: 'info',
  };
  const extra = Object.fromEntries(
    Object.entries({ error_type, error_message }).filter(([, v]) => v !== undefined),
  );
  const merged =
    Object.keys(extra).length === 0
      ? context
      : { ...(context && typeof context === 'object' ? context : { value: context }), ...extra };
  return {
    ...rest,
    level: typeof level === 'string' ? (levels[level.toUpperCase()] ?? level) : level,
    ...(stack_trace !== undefined && rest.stack === undefined ? { stack: stack_trace } : {}),
    ...(merged !== undefined ? { context: merged } : {}),
  };
}
