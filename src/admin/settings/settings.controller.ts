import { Body, Controller, Get, Param, Put, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { RequireRole } from '../../auth/decorators/access.decorator.js';
import {
  type AuthenticatedUser,
  CurrentUser,
} from '../../auth/decorators/current-user.decorator.js';
import { ErrorEnvelope } from '../../common/filters/error-envelope.js';
import {
  AuditQuery,
  HistoryQuery,
  ListSettingsQuery,
  SettingCategoriesResponse,
  SettingHistoryResponse,
  SettingKeyParam,
  SettingResponse,
  SettingsResponse,
  SettingsStatsResponse,
  UpdatedSettingResponse,
  UpdateSettingRequest,
} from './dto/settings.dto.js';
import { SettingsService } from './settings.service.js';

// The fixed paths are declared before `:key`, which would otherwise take them.
@ApiTags('admin: settings')
@RequireRole('admin')
@Controller('api/admin/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({ summary: 'Runtime settings, grouped by category; sensitive values masked' })
  @ApiOkResponse({ type: SettingsResponse })
  async list(@Query() query: ListSettingsQuery): Promise<SettingsResponse> {
    const { settings, total } = await this.settings.page(query);
    const grouped: Record<string, SettingResponse[]> = {};
    for (const s of settings) {
      (grouped[s.category] ??= []).push(s);
    }
    return { settings, grouped, total };
  }

  @Get('categories')
  @ApiOperation({ summary: 'Categories with how many settings each has' })
  @ApiOkResponse({ type: SettingCategoriesResponse })
  async categories(): Promise<SettingCategoriesResponse> {
    return { categories: await this.settings.categories() };
  }

  @Get('stats')
  @ApiOperation({ summary: 'How many settings there are, of which kind, and recent changes' })
  @ApiOkResponse({ type: SettingsStatsResponse })
  stats(): Promise<SettingsStatsResponse> {
    return this.settings.stats();
  }

  @Get('audit/all')
  @ApiOperation({ summary: 'Changes of every setting, newest first (sensitive values masked)' })
  @ApiOkResponse({ type: SettingHistoryResponse })
  async audit(@Query() query: AuditQuery): Promise<SettingHistoryResponse> {
    const history = await this.settings.allHistory(query.limit);
    return { history, total: history.length };
  }

  @Get(':key')
  @ApiOperation({ summary: 'One setting, by key or id' })
  @ApiOkResponse({ type: SettingResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  get(@Param() params: SettingKeyParam): Promise<SettingResponse> {
    return this.settings.get(params.key);
  }

  @Put(':key')
  @ApiOperation({
    summary: 'Change a setting (by key or id); it takes effect on every instance without a restart',
  })
  @ApiOkResponse({ type: UpdatedSettingResponse })
  @ApiResponse({ status: 400, type: ErrorEnvelope, description: 'Invalid value' })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Read-only setting' })
  async update(
    @Param() params: SettingKeyParam,
    @Body() body: UpdateSettingRequest,
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: Request,
  ): Promise<UpdatedSettingResponse> {
    const setting = await this.settings.update(
      params.key,
      body.value,
      body.reason ?? body.change_reason ?? null,
      { id: user.id, username: user.username, ip: req.ip ?? null },
    );
    return { ...setting, setting };
  }

  @Get(':key/history')
  @ApiOperation({ summary: 'Changes of a setting (by key or id), newest first, values masked' })
  @ApiOkResponse({ type: SettingHistoryResponse })
  async history(
    @Param() params: SettingKeyParam,
    @Query() query: HistoryQuery,
  ): Promise<SettingHistoryResponse> {
    const history = await this.settings.history(params.key, query.limit);
    return { history, total: history.length };
  }
}
