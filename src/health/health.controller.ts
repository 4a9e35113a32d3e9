import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';

import { Public } from '../auth/decorators/access.decorator.js';
import { DomainError } from '../common/errors/index.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { LegacyAlias } from '../http/legacy-alias.decorator.js';
import { LivenessResponse, ReadinessResponse } from './dto/health.response.js';
import { HealthService } from './health.service.js';

class NotReadyError extends DomainError {
  readonly code = 'NOT_READY';
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
}

@ApiTags('health')
@Public()
@RateLimit('none')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly checks: HealthService,
  ) {}

  @Get('live')
  @LegacyAlias({
    path: '/health',
    why: "the original's Docker healthcheck probes /health",
  })
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ type: LivenessResponse })
  live(): LivenessResponse {
    return this.checks.liveness();
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and every migration is applied' })
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiResponse({ status: 503, type: ErrorEnvelope, description: 'Not ready; details per check' })
  async ready(): Promise<ReadinessResponse> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([
        () => this.checks.database(),
        () => this.checks.migrations(),
        () => this.checks.cache(),
        () => this.checks.eventLoop(),
      ]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        const body = error.getResponse() as HealthCheckResult;
        throw new NotReadyError('Service is not ready', body.details);
      }
      throw error;
    }
    return { status: result.status === 'degraded' ? 'degraded' : 'ok', details: result.details };
  }
}
