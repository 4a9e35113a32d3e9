import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { Logger } from 'nestjs-pino';

import { createValidationPipe } from './common/pipes/validation.pipe.js';
import type { AppConfig } from './config/index.js';
import { HealthService } from './health/health.service.js';
import { livenessEdgeRoute } from './health/liveness-edge-route.js';
import { installHttpEdge } from './http/http-edge.js';
import { setupOpenApi } from './openapi/openapi.js';

/**
 * Everything main.ts applies to the app, shared with the e2e app factory so tests
 * exercise the same pipes, parsers, headers and docs. Call before `app.init()`.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  // The request chain and the pre-routing fast path, with liveness answered at the edge.
  installHttpEdge(app, config, [livenessEdgeRoute(app.get(HealthService))]);
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(new WsAdapter(app));
  setupOpenApi(app);
}
