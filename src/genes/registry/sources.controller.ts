import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

import { Public } from '../../auth/decorators/access.decorator.js';
import { ErrorEnvelope } from '../../common/filters/error-envelope.js';
import { CachedResponse } from '../../http/http-cache.interceptor.js';
import { SourceNameParam, StatisticsResponse } from '../dto/statistics.dto.js';
import { StatisticsService } from '../statistics.service.js';

/** The public list of evidence sources and one source's top genes (the registry's public side). */
@ApiTags('datasources')
@Controller('api/datasources')
export class SourcesController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get()
  @Public()
  @CachedResponse({ namespace: 'statistics' })
  @ApiOperation({ summary: 'Evidence sources with gene and evidence counts and last update' })
  @ApiOkResponse({ type: StatisticsResponse })
  list() {
    return this.statistics.dataSources();
  }

  @Get(':name')
  @Public()
  @CachedResponse({ namespace: 'statistics' })
  @ApiOperation({ summary: 'One source with its top genes by source score' })
  @ApiOkResponse({ type: StatisticsResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  detail(@Param() params: SourceNameParam) {
    return this.statistics.dataSource(params.name);
  }
}
