import { MetricsService } from './metrics/metrics.service.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import cookieParser from 'cookie-parser';
import { Logger, PinoLogger } from 'nestjs-pino';
import { ResponseFastPath } from './cache/http-fast-path.js';
import { securityHeaders, setHeadersMiddleware } from './common/middleware/security-headers.js';
import { REFRESH_COOKIE_PATH } from './auth/auth.controller.js';
import { slowRequestMs } from './logging/pino-options.js';
import { HttpDrainService } from './common/lifecycle/http-drain.service.js';
import { requestIdMiddleware } from './common/middleware/request-id.middleware.js';
import { createValidationPipe } from './common/pipes/validation.pipe.js';
import type { AppConfig } from './config/index.js';
import { setupOpenApi } from './openapi/openapi.js';

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
  app.useBodyParser('json', { limit: config.http.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  // Only the session endpoints read cookies (the refresh token's).
  app.use(REFRESH_COOKIE_PATH, cookieParser());
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  const security = securityHeaders();
  app.use(setHeadersMiddleware(security));
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins.includes('*') ? true : [...config.http.corsOrigins],
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'Accept',
        'X-Request-ID',
        'X-Requested-With',
      ],
      exposedHeaders: ['X-Request-ID', 'Retry-After'],
      maxAge: 600,
    });
  }
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
