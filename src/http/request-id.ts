import type { IncomingMessage, ServerResponse } from 'node:http';

import { uuidV7 } from '../common/ids/uuid-v7.js';
import { runWithContext } from '../common/request-context.js';

export const REQUEST_ID_HEADER = 'X-Request-ID';
// Accept a caller's id only if it is short and cannot forge log lines or headers.
const ACCEPTED = /^[A-Za-z0-9._:@-]{1,128}$/;

const requestStarted = new WeakMap<IncomingMessage, number>();

/** Milliseconds since the request entered the app (for slow-request warnings). */
export function elapsedMs(req: IncomingMessage): number | undefined {
  const started = requestStarted.get(req);
  return started === undefined ? undefined : performance.now() - started;
}

/** Returns the caller's X-Request-ID when safe, otherwise a fresh time-ordered UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  return candidate && ACCEPTED.test(candidate) ? candidate : uuidV7();
}

/**
 * Gives `req` its id and start time (`started`, from `performance.now()`), for the
 * routed chain and the pre-routing edge alike; returns the id, which the caller sends
 * as the `X-Request-ID` response header.
 */
export function beginRequest(req: IncomingMessage, started = performance.now()): string {
  const id = requestIdFor(req);
  req.id = id;
  requestStarted.set(req, started);
  return id;
}

/**
 * First middleware of the app (before body parsing), so even a malformed body's
 * error response and log line carry the id.
 */
export function requestIdMiddleware(
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
): void {
  const id = beginRequest(req);
  res.setHeader(REQUEST_ID_HEADER, id);
  runWithContext({ requestId: id }, next);
}
