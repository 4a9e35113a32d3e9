import { Injectable } from '@nestjs/common';
import type { HealthCheckAttempt, HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';

import { CacheService } from '../cache/cache.service.js';
import { EventLoopMonitor } from '../logging/logging.module.js';
import type { LivenessResponse } from './dto/health.response.js';
import { HealthRepository } from './health.repository.js';

const CHECK_TIMEOUT_MS = 1500;

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();
  // Migrations never un-apply at runtime, so one success is enough.
  private migrationsApplied = false;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly typeOrm: TypeOrmHealthIndicator,
    private readonly repository: HealthRepository,
    private readonly cacheService: CacheService,
    private readonly loop: EventLoopMonitor,
  ) {}

  /** The liveness answer: the process is up; nothing else is consulted. */
  liveness(): LivenessResponse {
    return { status: 'ok', uptime_s: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  database(): HealthCheckAttempt<'database'> {
    return this.typeOrm.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS);
  }

  /**
   * Degraded (not down) when L2 or the invalidation listener is unavailable. L2 is asked
   * (it lives in PostgreSQL), so a database outage no cache call has met yet still shows.
   */
  async cache(): Promise<HealthIndicatorResult<'cache'>> {
    const session = this.indicators.check('cache');
    const l2Available = await this.cacheService.l2Reachable();
    const details = {
      l2_available: l2Available,
      invalidation_listener_connected: this.cacheService.listenerConnected,
      dropped_writes: this.cacheService.breaker.droppedWrites,
    };
    return !l2Available || !this.cacheService.listenerConnected
      ? session.degraded(details)
      : session.up(details);
  }

  /** Always up: reports the last window's event-loop delay for dashboards. */
  eventLoop(): HealthIndicatorResult<'event_loop'> {
    return this.indicators.check('event_loop').up({ ...this.loop.latest() });
  }

  migrations(): HealthCheckAttempt<'migrations'> {
    return this.indicators
      .check('migrations')
      .attempt(async () => {
        if (this.migrationsApplied) {
          return { pending: 0 };
        }
        const pending = await this.repository.pendingMigrations();
        if (pending.length > 0) {
          throw new Error(`pending migrations: ${pending.join(', ')}`);
        }
        this.migrationsApplied = true;
        return { pending: 0 };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }
}
