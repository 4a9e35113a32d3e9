import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { RequireRole } from '../auth/decorators/access.decorator.js';
import { METRICS_TOKEN_NAME, MetricsService } from './metrics.service.js';

@ApiTags('metrics')
@RequireRole('admin', { serviceToken: METRICS_TOKEN_NAME, duringOutage: true })
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics of this instance',
    description:
      'For admins, or a scraper presenting the metrics token (METRICS_TOKEN / setting metrics.token) as its bearer token.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', type: String })
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.text();
    res.type(this.metrics.contentType).send(text);
  }
}
