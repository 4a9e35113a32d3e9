/**
 * What the exception filter learned about an expected failure (a database outage or
 * timeout), kept on the side for the request's completion line: that line is the one
 * record of the request, so the cause goes there instead of into a line of its own.
 */
export interface RequestFailure {
  /** The envelope's error code, e.g. DATABASE_UNAVAILABLE. */
  code: string;
  /** The underlying error, message and code only: no stack, no statement. */
  cause?: { type: string; message: string; code?: string };
}

const failures = new WeakMap<object, RequestFailure>();

export function noteRequestFailure(res: object, failure: RequestFailure): void {
  failures.set(res, failure);
}

export function requestFailureOf(res: object): RequestFailure | undefined {
  return failures.get(res);
}

/** The outer error's type and message, and the first code found down its chain (TypeORM's driverError, a cause). */
export function briefCause(error: unknown): RequestFailure['cause'] {
  if (!error || typeof error !== 'object') {
    return { type: typeof error, message: String(error).slice(0, 500) };
  }
  const outer = error as { name?: unknown; message?: unknown };
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
  };
}
