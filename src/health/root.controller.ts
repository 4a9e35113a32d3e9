import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { APP_NAME, APP_VERSION } from '../app-info.js';
import { Public } from '../auth/decorators/access.decorator.js';
import { RootResponse } from './dto/health.response.js';

/** `GET /`: where a person or a probe that opens the bare host finds the API. */
@ApiTags('health')
@Public()
@Controller()
export class RootController {
  @Get()
  @ApiOperation({ summary: 'Name, version and links to the API documentation and health' })
  @ApiOkResponse({ type: RootResponse })
  index(): RootResponse {
    return {
      name: APP_NAME,
      version: APP_VERSION,
      links: {
        docs: '/docs',
        openapi: '/openapi.json',
        health: '/health/ready',
        version: '/version',
      },
    };
  }
}
