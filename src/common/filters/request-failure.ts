/**
 * What the exception filter learned about an expected failure (a database outage or
 * timeout), kept on the side for the request's completion line: that line is the one
 * record of the request, so the cause goes there instead of into a line of its own.
 */
export interface RequestFailure {
  /** The envelope's error code, e.g. DATABASE_UNAVAILABLE. */
  code: string;
  /**
   * The underlying error: message, code and, for a failed statement, its SQL text (never
   * its parameters, which may hold secrets); no stack.
   */
  cause?: { type: string; message: string; code?: string; statement?: string };
}

const failures = new WeakMap<object, RequestFailure>();

export function noteRequestFailure(res: object, failure: RequestFailure): void {
  failures.set(res, failure);
}

export function requestFailureOf(res: object): RequestFailure | undefined {
  return failures.get(res);
}

/**
 * The outer error's type and message, the first code found down its chain (TypeORM's
 * driverError, a cause), and the failed statement's SQL text when it has one.
 */
export function briefCause(error: unknown): RequestFailure['cause'] {
  if (!error || typeof error !== 'object') {
    return { type: typeof error, message: String(error).slice(0, 500) };
  }
  const outer = error as { name?: unknown; message?: unknown; query?: unknown };
  let code: string | undefined;
  let current: unknown = error;
  for (let depth = 0; !code && current && typeof current === 'object' && depth < 4; depth++) {
    const e = current as { code?: unknown; driverError?: unknown; cause?: unknown };
    code = typeof e.code === 'string' ? e.code : undefined;
    current = e.driverError ?? e.cause;
  }
  return {
    type: typeof outer.name === 'string' ? outer.name : 'Error',
    message: typeof outer.message === 'string' ? outer.message.slice(0, 500) : '',
    ...(code ? { code } : {}),
    // Which statement timed out or failed (TypeORM's QueryFailedError carries it).
    ...(typeof outer.query === 'string' ? { statement: outer.query.slice(0, 500) } : {}),
  };
}
