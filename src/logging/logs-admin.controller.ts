import { Controller, Delete, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { RequireRole } from '../auth/decorators/access.decorator.js';
import {
  CleanupLogsResponse,
  CleanupQuery,
  ListLogsQuery,
  LogListResponse,
  LogStatisticsResponse,
  StatisticsQuery,
} from './dto/logs.dto.js';
import { LogsService } from './logs.service.js';

@ApiTags('admin: logs')
@RequireRole('admin')
@Controller('api/admin/logs')
export class LogsAdminController {
  constructor(private readonly logs: LogsService) {}

  @Get()
  @ApiOperation({
    summary: 'Query stored log records',
    description:
      'Filters combine with AND. Use `cursor` (keyset) for deep paging, `offset` for jumps. ' +
      'The original Log viewer’s parameter names (`source`, `start_time`, `end_time`, `sort_by`, ' +
      '`sort_order`, upper-case levels) are accepted, and `logs`/`pagination` carry the page ' +
      'in the shape it reads.',
  })
  @ApiOkResponse({ type: LogListResponse })
  list(@Query() query: ListLogsQuery): Promise<LogListResponse> {
    return this.logs.list(query);
  }

  @Get('statistics')
  @ApiOperation({ summary: 'Counts by level, top loggers, hourly error timeline, table size' })
  @ApiOkResponse({ type: LogStatisticsResponse })
  statistics(@Query() query: StatisticsQuery): Promise<LogStatisticsResponse> {
    return this.logs.statistics(query.hours);
  }

  @Delete('cleanup')
  @ApiOperation({ summary: 'Delete records older than `days`' })
  @ApiOkResponse({ type: CleanupLogsResponse })
  async cleanup(@Query() query: CleanupQuery): Promise<CleanupLogsResponse> {
    const deleted = await this.logs.purgeOlderThan(query.days);
    return { deleted, logs_deleted: deleted };
  }
}
