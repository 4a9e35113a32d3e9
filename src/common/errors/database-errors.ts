/** SQLSTATE classes and socket errors that mean "the database cannot answer right now". */
const UNAVAILABLE_SQLSTATES = new Set([
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

/**
 * A statement that gave up waiting: the server cancelled it (statement_timeout, a
 * cancel request) or could not take a lock in time (lock_timeout), or the client
 * stopped waiting for the answer (pg's query read timeout).
 */
const TIMEOUT_SQLSTATES = new Set([
  '57014', // query_canceled
  '55P03', // lock_not_available
]);
const TIMEOUT_MESSAGES = [/query read timeout/i];

const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  ...UNAVAILABLE_SQLSTATES,
  ...UNAVAILABLE_SOCKET_CODES,
]);

const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /connection (?:is )?closed/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
];

function walk(error: unknown, depth = 0): unknown[] {
  if (!error || typeof error !== 'object' || depth > 4) {
    return [];
  }
  const e = error as { driverError?: unknown; cause?: unknown };
  return [error, ...walk(e.driverError, depth + 1), ...walk(e.cause, depth + 1)];
}

function matches(error: unknown, codes: ReadonlySet<string>, messages: readonly RegExp[]): boolean {
  return walk(error).some((candidate) => {
    const { code, message } = candidate as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && codes.has(code)) {
      return true;
    }
    return typeof message === 'string' && messages.some((re) => re.test(message));
  });
}

/**
 * True when a statement timed out: cancelled by the server (SQLSTATE 57014), a lock not
 * taken within lock_timeout (55P03), or no answer within the client's read timeout.
 */
export function isDatabaseTimeout(error: unknown): boolean {
  return matches(error, TIMEOUT_SQLSTATES, TIMEOUT_MESSAGES);
}

/**
 * True when an error (or its driver error / cause) says the database cannot answer
 * right now: unreachable, refusing connections, or a statement timed out (see
 * isDatabaseTimeout; callers that retry later treat both alike, the HTTP layer tells
 * them apart).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return matches(error, UNAVAILABLE_CODES, UNAVAILABLE_MESSAGES) || isDatabaseTimeout(error);
}

/** A unique-constraint violation (SQLSTATE 23505), from TypeORM or the pg driver. */
export function isUniqueViolation(error: unknown): boolean {
  return walk(error).some((e) => (e as { code?: unknown }).code === '23505');
}

/**
 * A deadlock or serialization failure (SQLSTATE 40P01, 40001): the transaction was
 * rolled back and may simply be run again.
 */
export function isTransientConflict(error: unknown): boolean {
  return walk(error).some((e) =>
    ['40P01', '40001'].includes(String((e as { code?: unknown }).code)),
  );
}
