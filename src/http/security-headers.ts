import type { IncomingMessage, ServerResponse } from 'node:http';

import helmet from 'helmet';

/** A response header as a name/value pair, in the order it is sent. */
export type HeaderPair = readonly [name: string, value: string];

/**
 * The security headers every response carries. Helmet decides them; with the options
 * used here (no CSP nonces, nothing read from the request) they are the same for every
 * request, so they are computed once by running helmet against a recording response and
 * then set in one pass. That keeps helmet's choices, without its chain of a dozen
 * middleware on every request, and gives the pre-routing fast path the exact list.
 */
export function securityHeaders(): HeaderPair[] {
  const middleware = helmet({
    // Swagger UI loads its own scripts and styles from /docs.
    contentSecurityPolicy: {
      directives: { 'img-src': ["'self'", 'data:', 'https://validator.swagger.io'] },
    },
  });
  const recorded = new Map<string, HeaderPair>();
  const recorder = {
    setHeader(name: string, value: unknown) {
      recorded.set(name.toLowerCase(), [name, String(value)]);
      return recorder;
    },
    removeHeader(name: string) {
      recorded.delete(name.toLowerCase());
    },
    getHeader: () => undefined,
    hasHeader: () => false,
  };
  let failure: unknown;
  let done = false;
  middleware(
    { headers: {}, method: 'GET', url: '/' } as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      failure = error;
      done = true;
    },
  );
  // Helmet calls next synchronously; a later version that did not would be caught here.
  if (!done) {
    throw new Error('could not determine the security headers: helmet did not finish');
  }
  if (failure) {
    throw new Error('could not determine the security headers', { cause: failure });
  }
  return [...recorded.values()];
}

/** Middleware setting precomputed headers, in order. */
export function setHeadersMiddleware(headers: readonly HeaderPair[]) {
  return (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    for (const [name, value] of headers) {
      res.setHeader(name, value);
    }
    next();
  };
}
