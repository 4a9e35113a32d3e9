import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/decorators/access.decorator.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { VersionResponse } from './dto/health.response.js';
import { VersionService } from './version.service.js';

@ApiTags('health')
@Public()
@Controller('version')
export class VersionController {
  constructor(private readonly versions: VersionService) {}

  @Get()
  @ApiOperation({ summary: 'Application, runtime and schema versions' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiResponse({ status: 503, type: ErrorEnvelope, description: 'Database unavailable' })
  version(): Promise<VersionResponse> {
    return this.versions.describe();
  }
}
