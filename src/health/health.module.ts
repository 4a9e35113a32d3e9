import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { HealthController } from './health.controller.js';
import { HealthRepository } from './health.repository.js';
import { HealthService } from './health.service.js';
import { RootController } from './root.controller.js';
import { VersionController } from './version.controller.js';
import { VersionService } from './version.service.js';

/**
 * Owns liveness, readiness, version reporting and the root index for probes and operators. Liveness is
 * also answered before routing: app.setup hands `livenessEdgeRoute` to the HTTP edge.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController, VersionController, RootController],
  providers: [HealthRepository, HealthService, VersionService],
  exports: [HealthService],
})
export class HealthModule {}
