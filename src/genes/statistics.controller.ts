import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/decorators/access.decorator.js';
import { CachedResponse } from '../http/http-cache.interceptor.js';
import { ScoreFiltersQuery } from './dto/score-filters.query.js';
import { OverlapsQuery, StatisticsResponse } from './dto/statistics.dto.js';
import type { StatsFilter } from './statistics.repository.js';
import { StatisticsService } from './statistics.service.js';

export const filterOf = (q: ScoreFiltersQuery): StatsFilter => ({
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
