import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { RequireRole } from '../../auth/decorators/access.decorator.js';
import { SystemResponse } from './dto/system.dto.js';
import { SystemService } from './system.service.js';

@ApiTags('admin: system')
@RequireRole('admin')
@Controller('api/admin/system')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  @Get()
  @ApiOperation({
    summary:
      'Uptime and memory (this instance), database and table sizes, cache sizes, queue depth',
  })
  @ApiOkResponse({ type: SystemResponse })
  describe(): Promise<SystemResponse> {
    return this.system.describe();
  }
}
