import { MetricsService } from './metrics/metrics.service.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
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
  app.get(HttpDrainService).attach(app.getHttpServer());
  // Before the body parsers, so even a malformed body's error carries the id.
  app.use(requestIdMiddleware);
  app.use(app.get(MetricsService).http.middleware);
  app.useBodyParser('json', { limit: config.http.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  app.use(cookieParser());
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.use(
    helmet({
      // Swagger UI loads its own scripts and styles from /docs.
      contentSecurityPolicy: {
        directives: { 'img-src': ["'self'", 'data:', 'https://validator.swagger.io'] },
      },
    }),
  );
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
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(new WsAdapter(app));
  setupOpenApi(app);
}
