import type { NestExpressApplication } from '@nestjs/platform-express';
import bodyParser from 'body-parser';
import cookieParser from 'cookie-parser';
import { PinoLogger } from 'nestjs-pino';

import { REFRESH_COOKIE_PATH } from '../auth/auth.module.js';
import type { AppConfig } from '../config/index.js';
import { slowRequestMs } from '../logging/logging.module.js';
import { bodyErrorHandler, verifyJsonShape } from './body-limits.js';
import { answerClientErrors } from './client-errors.js';
import { corsOptions } from './cors.js';
import { HttpDrainService } from './http-drain.service.js';
import { HttpMetrics } from './http-metrics.js';
import { installLegacyRoutes, legacyRoutesOf, LegacyRouteTable } from './legacy-routes.js';
import { requestIdMiddleware } from './request-id.js';
import { type EdgeRoute, ResponseFastPath } from './response-fast-path.js';
import { securityHeaders, setHeadersMiddleware } from './security-headers.js';

/** Largest JSON or form body of the session routes (`/api/auth/…`). */
export const SESSION_BODY_LIMIT = '16kb';

/**
 * Puts the HTTP edge on the app, in order: drain tracking, request id, the duration
 * metric, the session cookie parser, security headers, CORS, the body parsers and their
 * error handler, answers to requests Node's parser refuses, and the response fast path,
 * with the routes in `beforeRouting` (answered from the process alone, e.g. liveness);
 * in front of all, the rewrite of the original clients' legacy paths.
 * Call before `app.init()`.
 */
export function installHttpEdge(
  app: NestExpressApplication,
  config: AppConfig,
  beforeRouting: readonly EdgeRoute[] = [],
): void {
  const drain = app.get(HttpDrainService);
  drain.attach(app.getHttpServer());
  // Before the body parsers, so even a malformed body's error carries the id.
  app.use(requestIdMiddleware);
  app.use(app.get(HttpMetrics).middleware);
  // Only the session endpoints read cookies (the refresh token's).
  app.use(REFRESH_COOKIE_PATH, cookieParser());
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  // One list for the chain, the edge and the parser-error answers.
  const security = securityHeaders();
  app.use(setHeadersMiddleware(security));
  if (config.http.corsOrigins.length > 0) {
    app.enableCors(corsOptions(config.http.corsOrigins));
  }
  // After the headers, so a refused body's answer carries them (and CORS's) too. The
  // JSON structure limits apply before anything parses the body.
  // `verify` is body-parser's own hook; Nest's option types leave it out only because
  // `rawBody: true` would replace it, which this app does not use.
  const verify = verifyJsonShape(config.http.jsonLimits);
  // The session routes are public and read a few short fields: their small limit refuses
  // a hostile megabyte from its Content-Length, never buffering, decoding or scanning it.
  app.use(
    REFRESH_COOKIE_PATH,
    bodyParser.json({ limit: SESSION_BODY_LIMIT, verify }),
    bodyParser.urlencoded({ limit: SESSION_BODY_LIMIT, extended: false, parameterLimit: 100 }),
  );
  const json = { limit: config.http.bodyLimit, verify };
  app.useBodyParser('json', json);
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  app.use(
    bodyErrorHandler({ logger: () => PinoLogger.root, slowRequestMs: () => slowRequestMs(config) }),
  );
  answerClientErrors(app.getHttpServer(), {
    maxHeaderBytes: config.http.maxHeaderBytes,
    securityHeaders: security,
    logger: () => PinoLogger.root,
  });
  const fastPath = app.get(ResponseFastPath);
  for (const route of beforeRouting) {
    fastPath.answerBeforeRouting(route);
  }
  if (config.http.corsOrigins.length === 0) {
    // Every header the chain above sets is known in advance: cached answers can be
    // sent before Express. With CORS (headers that depend on the request's Origin) the
    // fast path runs after the chain instead, as route middleware (FastPathMiddlewareModule).
    fastPath.attach(app.getHttpServer(), {
      app: app.getHttpAdapter().getInstance(),
      securityHeaders: security,
      logger: PinoLogger.root,
    });
  }
  // Last, so it runs first: the original clients' legacy paths become canonical before
  // the fast path or Express see them.
  installLegacyRoutes(app.getHttpServer(), new LegacyRouteTable(legacyRoutesOf(app)));
}
