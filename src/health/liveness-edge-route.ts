import type { EdgeRoute } from '../http/http-edge.module.js';
import { HealthController } from './health.controller.js';
import type { HealthService } from './health.service.js';

/**
 * Liveness reads nothing but the process, so the HTTP edge may answer it before routing
 * (a probe costs little even when the app is busy, and still goes through the event
 * loop), as HealthController.live would: same body, its access and rate-limit metadata.
 */
export function livenessEdgeRoute(health: HealthService): EdgeRoute {
  return {
    path: '/health/live',
    // eslint-disable-next-line @typescript-eslint/unbound-method
    handler: HealthController.prototype.live,
    controller: HealthController,
    body: () => health.liveness(),
  };
}
