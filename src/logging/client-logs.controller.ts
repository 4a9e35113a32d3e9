import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { Public } from '../auth/decorators/access.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { LegacyAlias } from '../http/legacy-alias.decorator.js';
import { legacyClientLogBody } from './client-logs-legacy.types.js';
import { AcceptedResponse, ClientLogRequest } from './dto/logs.dto.js';
import { LogsService } from './logs.service.js';

@ApiTags('logs')
@Controller('api/client-logs')
export class ClientLogsController {
  constructor(private readonly logs: LogsService) {}

  @Post()
  @Public()
  @RateLimit('client-logs')
  @HttpCode(202)
  @LegacyAlias({
    path: '/client-logs',
    why: 'the original frontend posts to `${API_BASE_URL}/client-logs`, with upper-case levels and `stack_trace`',
    body: legacyClientLogBody,
  })
  @ApiOperation({ summary: 'Report a front-end error (stored with logger "frontend")' })
  @ApiAcceptedResponse({ type: AcceptedResponse })
  record(@Body() body: ClientLogRequest, @Req() req: Request): AcceptedResponse {
    this.logs.recordClientLog(body, req.ip);
    return { accepted: true };
  }
}
