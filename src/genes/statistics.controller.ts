import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators/access.decorator.js';
import { CachedResponse } from '../http/http-cache.interceptor.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { OverlapsQuery, SourceNameParam, StatisticsResponse } from './dto/statistics.dto.js';
import { ScoreFiltersQuery } from './dto/score-filters.query.js';
import type { StatsFilter } from './statistics.repository.js';
import { StatisticsService } from './statistics.service.js';

const filterOf = (q: ScoreFiltersQuery): StatsFilter => ({
  hideZeroScores: q['filter[hide_zero_scores]'],
  tiers: q['filter[tier]'],
});

@ApiTags('statistics')
@Controller('api/statistics')
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get('summary')
  @Public()
  @CachedResponse({ namespace: 'statistics' })
  @ApiOperation({ summary: 'Overview, quality and coverage figures with pairwise source overlaps' })
  @ApiOkResponse({ type: StatisticsResponse })
  summary(@Query() q: ScoreFiltersQuery) {
    return this.statistics.summary(filterOf(q));
  }

  @Get('source-overlaps')
  @Public()
  @CachedResponse({ namespace: 'statistics' })
  @ApiOperation({ summary: 'UpSet intersections of sources, computed in one query' })
  @ApiOkResponse({ type: StatisticsResponse })
  overlaps(@Query() q: OverlapsQuery) {
    return this.statistics.overlaps(filterOf(q), q.sources, q.detail);
  }

  @Get('source-distributions')
  @Public()
  @CachedResponse({ namespace: 'statistics' })
  @ApiOperation({ summary: 'Per source: genes by evidence count bucket or by best classification' })
  @ApiOkResponse({ type: StatisticsResponse })
  distributions(@Query() q: ScoreFiltersQuery) {
    return this.statistics.distributions(filterOf(q));
  }

  @Get('evidence-composition')
  @Public()
  @CachedResponse({ namespace: 'statistics' })
  @ApiOperation({ summary: 'Tier distribution, source coverage and contribution weights' })
  @ApiOkResponse({ type: StatisticsResponse })
  composition(@Query() q: ScoreFiltersQuery) {
    return this.statistics.composition(filterOf(q));
  }
}

@ApiTags('datasources')
@Controller('api/datasources')
export class DataSourcesController {
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
