import type { IncomingMessage, ServerResponse } from 'node:http';

import type { LevelWithSilent, Logger } from 'pino';

import { requestFailureOf } from '../common/filters/request-failure.js';
import type { AppConfig } from '../config/index.js';
import { type RequestLogging, safeUrl, slowRequestMs } from '../logging/logging.module.js';
import { elapsedMs, requestIdFor } from './request-id.js';

/**
 * The one line logged when a request completes, and so its `system_logs` row. pino-http
 * writes it for routed requests with the hooks below (`requestLogging`); requests that
 * end before or without the request logger (the pre-routing edge, a refused body) write
 * it with `writeCompletionLine`, from the same level, message and field functions, so
 * the two cannot drift apart.
 */

/** Field names of the request id and the duration (pino-http's `reqId`, `responseTime`). */
export const COMPLETION_KEYS = { reqId: 'request_id', responseTime: 'duration_ms' } as const;
/** pino-http's key of the error on a failed request's line (its default). */
const ERR_KEY = 'err';

/** What a completion line reads from a request; Express's and Node's requests both fit. */
export type CompletedRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers'> & {
  id?: unknown;
  originalUrl?: string;
  ip?: string;
  route?: unknown;
};

function isHealthProbe(req: CompletedRequest): boolean {
  return (req.url ?? '').startsWith('/health');
}

/** The level of a request's completion line. */
export function completionLevel(
  req: CompletedRequest,
  status: number,
  elapsed: number,
  slowMs: number,
  failed = false,
): LevelWithSilent {
  // 503 is a condition the service expects and announces (an outage, a full queue, not
  // ready), not a bug: a warning, so an outage does not flood the error level.
  if (status === 503 && !failed) {
    return 'warn';
  }
  if (failed || status >= 500) {
    return 'error';
  }
  if (elapsed > slowMs) {
    return 'warn';
  }
  if (isHealthProbe(req)) {
    return 'debug';
  }
  return 'info';
}

/** The message of a successful request's completion line. */
export function completionMessage(
  method: string | undefined,
  url: string | undefined,
  status: number,
  ms: number,
  slowMs: number,
): string {
  return `${method} ${safeUrl(url)} ${status} ${Math.round(ms)}ms` + (ms > slowMs ? ' (slow)' : '');
}

/** The matched route pattern (e.g. /api/genes/:id), when one was matched. */
export function routeOf(req: CompletedRequest): string | undefined {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? route.path : undefined;
}

/** The fields a completion line adds after pino-http's own (`res`, duration): the route. */
function completionFields(
  req: CompletedRequest,
  value: Record<string, unknown>,
): Record<string, unknown> {
  return { ...value, route: routeOf(req) };
}

/**
 * A 503 is an answer the app chose (an outage, a full queue, not ready), so the error
 * pino-http makes up for it ("failed with status code 503", with a stack inside
 * pino-http) says nothing and is left out; a failure the exception filter recognised
 * (a database outage) is described by its code and brief cause instead.
 */
function failureFields(
  res: ServerResponse,
  value: Record<string, unknown>,
): Record<string, unknown> {
  if (res.statusCode !== 503) {
    return value;
  }
  const { [ERR_KEY]: _madeUp, ...rest } = value;
  const failure = requestFailureOf(res);
  return failure ? { ...rest, error_code: failure.code, cause: failure.cause } : rest;
}

/**
 * The pino-http options that give a routed request its id (the one `requestIdMiddleware`
 * set, or a fresh one) and shape its completion line; the logging module's pino-http
 * takes them from the composition root (AppModule).
 */
export function requestLogging(config: AppConfig): RequestLogging {
  const slowMs = () => slowRequestMs(config);
  return {
    genReqId: (req) => req.id ?? requestIdFor(req),
    customAttributeKeys: { ...COMPLETION_KEYS },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) =>
      completionLevel(req, res.statusCode, elapsedMs(req) ?? 0, slowMs(), !!err),
    customSuccessMessage: (req, res, ms) =>
      completionMessage(req.method, req.url, res.statusCode, ms, slowMs()),
    customSuccessObject: (req, _res, value: Record<string, unknown>) =>
      completionFields(req, value),
    customErrorObject: (req, res, _err, value: Record<string, unknown>) =>
      completionFields(req, failureFields(res, value)),
    customErrorMessage: (req, res) =>
      `${req.method} ${safeUrl(req.url)} ${res.statusCode} ${requestFailureOf(res)?.code ?? 'failed'}`,
  };
}

/**
 * Writes the completion line pino-http would write for `req`, answered with `status`
 * after `elapsed` milliseconds, for a request the request logger did not see: same
 * level, message and fields in the same order (the id and request first, as pino-http's
 * child bindings; then the response, duration and route).
 */
export function writeCompletionLine(
  logger: Logger,
  req: CompletedRequest,
  status: number,
  elapsed: number,
  slowMs: number,
): void {
  const level = completionLevel(req, status, elapsed, slowMs);
  if (level === 'silent' || !logger.isLevelEnabled(level)) {
    return;
  }
  // Whole milliseconds, as pino-http reports them.
  const durationMs = Math.round(elapsed);
  logger[level](
    completionFields(req, {
      [COMPLETION_KEYS.reqId]: req.id,
      req,
      res: { statusCode: status },
      [COMPLETION_KEYS.responseTime]: durationMs,
    }),
    completionMessage(req.method, req.originalUrl ?? req.url, status, durationMs, slowMs),
  );
}
