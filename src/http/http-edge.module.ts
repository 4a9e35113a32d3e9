import {
  Global,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { MetricsRegistryModule } from '../metrics/metrics-registry.module.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';
import { HttpDrainService } from './http-drain.service.js';
import { HttpMetrics } from './http-metrics.js';
import { ResponseFastPath } from './response-fast-path.js';

// The edge's public surface for modules that add routes to it (docs/architecture.md).
export { documentLegacyRoutes, type LegacyRoute, legacyRoutesOf } from './legacy-routes.js';
export type { EdgeRoute } from './response-fast-path.js';

/**
 * Mounts the fast path as route middleware (its mode when CORS is configured, see
 * `installHttpEdge`). Nest mounts the middleware of global modules (the request logger's
 * among them) before that of other modules, so this module is deliberately not global:
 * every request the fast path answers here has been through the logger.
 */
@Module({})
export class FastPathMiddlewareModule implements NestModule {
  constructor(private readonly fastPath: ResponseFastPath) {}

  configure(consumer: MiddlewareConsumer): void {
    // Nest mounts middleware at init, after `installHttpEdge` chose the placement. Mounted
    // for nothing, it still cost every routed GET a pass through Nest's middleware wrapper.
    if (this.fastPath.beforeExpress) {
      return;
    }
    consumer
      .apply(this.fastPath.middleware)
      .forRoutes({ path: '{/*splat}', method: RequestMethod.GET });
  }
}

/**
 * Owns the HTTP edge: what every request goes through before and around routing (request
 * id, security headers, body limits, client errors, the completion line's shape, the
 * duration metric, draining on shutdown), the response cache of public GETs, the
 * pre-routing fast path that answers its hits, and the original clients' legacy aliases
 * (`@LegacyAlias`). `installHttpEdge` puts it on the app.
 * Global so that controllers anywhere can use `@CachedResponse` (its interceptor).
 *
 * The rate-limit guard stays with the auth module, which registers the global guards in
 * their order; the edge imports it to count the requests it answers.
 */
@Global()
@Module({
  imports: [AuthModule, MetricsRegistryModule, FastPathMiddlewareModule],
  providers: [HttpMetrics, HttpDrainService, ResponseFastPath, HttpCacheInterceptor],
  exports: [HttpMetrics, HttpDrainService, ResponseFastPath, HttpCacheInterceptor],
})
export class HttpEdgeModule {}
