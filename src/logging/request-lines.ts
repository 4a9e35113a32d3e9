import pino from 'pino';

import type { LogDbRequests, LogLevel } from '../config/environment.js';

/**
 * Which request completion lines `system_logs` keeps (LOG_DB_REQUESTS). Storing one row
 * per request cost about a third of the edge's cached throughput on a two-core machine
 * (docs/benchmarks.md, logging), so by default only the lines an operator looks for are
 * stored: failed requests (status ≥ 400), slow ones and anything at warn or above. Every
 * other record follows LOG_DB_LEVEL alone.
 */

const WARN = pino.levels.values.warn;

/** A level's number; `silent` is above every record. */
export function levelValue(level: LogLevel): number {
  return level === 'silent' ? Number.POSITIVE_INFINITY : pino.levels.values[level];
}

/**
 * The status of a request's completion line, or undefined for any other record. A
 * completion line carries the response (`res`): Node's, or the edge's `{ statusCode }`.
 */
export function completionStatus(record: unknown): number | undefined {
  if (record === null || typeof record !== 'object' || !('res' in record)) {
    return undefined;
  }
  const res = (record as { res?: { statusCode?: unknown } }).res;
  return typeof res?.statusCode === 'number' ? res.statusCode : undefined;
}

/** Whether a request line at this level and status is stored (LOG_DB_LEVEL aside). */
export function storesRequestLine(requests: LogDbRequests, level: number, status: number): boolean {
  return requests === 'all' || status >= 400 || level >= WARN;
}
