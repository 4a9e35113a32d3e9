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
  '57014', // query_canceled (statement_timeout)
]);

const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /connection (?:is )?closed/i,
  /client has encountered a connection error/i,
  /query read timeout/i,
  /cannot use a pool after calling end/i,
];

function walk(error: unknown, depth = 0): unknown[] {
  if (!error || typeof error !== 'object' || depth > 4) return [];
  const e = error as { driverError?: unknown; cause?: unknown };
  return [error, ...walk(e.driverError, depth + 1), ...walk(e.cause, depth + 1)];
}

/** True when an error (or its driver error / cause) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return walk(error).some((candidate) => {
    const { code, message } = candidate as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
    }
    return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(message));
  });
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
