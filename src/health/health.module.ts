import { Module } from '@nestjs/common';
import { ResponseFastPath } from '../cache/http-fast-path.js';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { HealthRepository } from './health.repository.js';
import { HealthService } from './health.service.js';
import { VersionController } from './version.controller.js';
import { VersionService } from './version.service.js';

/** Owns liveness, readiness and version reporting for probes and operators. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController, VersionController],
  providers: [HealthRepository, HealthService, VersionService],
})
export class HealthModule {
  constructor(fastPath: ResponseFastPath, health: HealthService) {
    // Liveness reads nothing but the process, so it is answered before routing: a probe
    // costs little even when the app is busy, and still goes through the event loop.
    fastPath.answerBeforeRouting(
      '/health/live',
      // eslint-disable-next-line @typescript-eslint/unbound-method
      { handler: HealthController.prototype.live, controller: HealthController },
      () => health.liveness(),
    );
  }
}
