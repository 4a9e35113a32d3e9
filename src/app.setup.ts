import { MetricsService } from './metrics/metrics.service.js';
import type { CorsOptions, CorsOptionsDelegate } from '@nestjs/common/internal';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import { WsAdapter } from '@nestjs/platform-ws';
import bodyParser from 'body-parser';
import cookieParser from 'cookie-parser';
import { Logger, PinoLogger } from 'nestjs-pino';
import { ResponseFastPath } from './cache/http-fast-path.js';
import { securityHeaders, setHeadersMiddleware } from './common/middleware/security-headers.js';
import { REFRESH_COOKIE_PATH } from './auth/auth.controller.js';
import { slowRequestMs } from './logging/pino-options.js';
import { HttpDrainService } from './common/lifecycle/http-drain.service.js';
import { requestIdMiddleware } from './common/middleware/request-id.middleware.js';
import { createValidationPipe } from './common/pipes/validation.pipe.js';
import { bodyErrorHandler, verifyJsonShape } from './common/http/body-limits.js';
import { answerClientErrors } from './common/http/client-errors.js';
import type { AppConfig } from './config/index.js';
import { setupOpenApi } from './openapi/openapi.js';

/** Largest JSON or form body of the session routes (`/api/auth/…`). */
export const SESSION_BODY_LIMIT = '16kb';

/**
 * Everything main.ts applies to the app, shared with the e2e app factory so tests
 * exercise the same pipes, parsers, headers and docs. Call before `app.init()`.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const drain = app.get(HttpDrainService);
  drain.attach(app.getHttpServer());
  // Before the body parsers, so even a malformed body's error carries the id.
  app.use(requestIdMiddleware);
  app.use(app.get(MetricsService).http.middleware);
  // Only the session endpoints read cookies (the refresh token's).
  app.use(REFRESH_COOKIE_PATH, cookieParser());
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  const security = securityHeaders();
  app.use(setHeadersMiddleware(security));
  if (config.http.corsOrigins.length > 0) app.enableCors(corsOptions(config.http.corsOrigins));
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
  if (config.http.corsOrigins.length === 0) {
    // Every header the chain above sets is known in advance: cached answers can be
    // sent before Express (with CORS, the fast path runs after the chain instead).
    app.get(ResponseFastPath).attach(app.getHttpServer(), {
      app: app.getHttpAdapter().getInstance(),
      securityHeaders: security,
      metrics: app.get(MetricsService).http,
      logger: PinoLogger.root,
      slowRequestMs: () => slowRequestMs(config),
      draining: () => drain.isDraining,
    });
  }
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(new WsAdapter(app));
  setupOpenApi(app);
}

const CORS_BASE: CorsOptions = {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Request-ID', 'X-Requested-With'],
  exposedHeaders: ['X-Request-ID', 'Retry-After'],
  maxAge: 600,
};

/**
 * Listed origins may send credentials (cookies, Authorization); `*` admits any other
 * origin without them: echoing every origin with credentials would let any site act
 * with a visitor's session.
 */
export function corsOptions(
  origins: readonly string[],
): CorsOptions | CorsOptionsDelegate<Request> {
  const listed = origins.filter((o) => o !== '*');
  if (!origins.includes('*')) return { ...CORS_BASE, origin: listed, credentials: true };
  if (listed.length === 0) return { ...CORS_BASE, origin: '*', credentials: false };
  const withCredentials: CorsOptions = { ...CORS_BASE, origin: listed, credentials: true };
  // Reflected rather than `*`, so the answer varies by Origin like the listed ones.
  const anyOrigin: CorsOptions = { ...CORS_BASE, origin: true, credentials: false };
  return (req, done) => {
    const origin = req.headers.origin;
    done(null, origin !== undefined && listed.includes(origin) ? withCredentials : anyOrigin);
  };
}
