import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';

import { RequireRole } from '../../auth/decorators/access.decorator.js';
import { ErrorEnvelope } from '../../common/filters/error-envelope.js';
import {
  AdminDataSourcesResponse,
  OrphanNameParam,
  OrphansResponse,
} from './dto/datasources.dto.js';
import { SourceAdminService } from './source-admin.service.js';

@ApiTags('admin: data sources')
@RequireRole('admin')
@Controller('api/admin/datasources')
export class SourceAdminController {
  constructor(private readonly registry: SourceAdminService) {}

  @Get()
  @ApiOperation({
    summary: 'Every registered source: config (secrets masked), runs, schedule, upstream health',
  })
  @ApiOkResponse({ type: AdminDataSourcesResponse })
  async list(): Promise<AdminDataSourcesResponse> {
    return { sources: await this.registry.list() };
  }

  @Get('orphans')
  @ApiOperation({ summary: 'Registered sources no code defines any more, with last activity' })
  @ApiOkResponse({ type: OrphansResponse })
  async orphans(): Promise<OrphansResponse> {
    return { orphans: await this.registry.orphans() };
  }

  @Delete('orphans/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one orphaned source row (never a source the code defines)' })
  @ApiNoContentResponse()
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'The code defines this source' })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'No such row' })
  async remove(@Param() params: OrphanNameParam): Promise<void> {
    await this.registry.removeOrphan(params.name);
  }
}
