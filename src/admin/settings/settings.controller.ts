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
  HistoryQuery,
  SettingHistoryResponse,
  SettingKeyParam,
  SettingResponse,
  SettingsResponse,
  UpdateSettingRequest,
} from './dto/settings.dto.js';
import { SettingsService } from './settings.service.js';

@ApiTags('admin: settings')
@RequireRole('admin')
@Controller('api/admin/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({ summary: 'Every runtime setting, grouped by category; sensitive values masked' })
  @ApiOkResponse({ type: SettingsResponse })
  async list(): Promise<SettingsResponse> {
    const settings = await this.settings.list();
    const grouped: Record<string, SettingResponse[]> = {};
    for (const s of settings) {
      (grouped[s.category] ??= []).push(s);
    }
    return { settings, grouped };
  }

  @Get(':key')
  @ApiOperation({ summary: 'One setting' })
  @ApiOkResponse({ type: SettingResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  get(@Param() params: SettingKeyParam): Promise<SettingResponse> {
    return this.settings.get(params.key);
  }

  @Put(':key')
  @ApiOperation({
    summary: 'Change a setting; it takes effect on every instance without a restart',
  })
  @ApiOkResponse({ type: SettingResponse })
  @ApiResponse({ status: 400, type: ErrorEnvelope, description: 'Invalid value' })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Read-only setting' })
  update(
    @Param() params: SettingKeyParam,
    @Body() body: UpdateSettingRequest,
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: Request,
  ): Promise<SettingResponse> {
    return this.settings.update(params.key, body.value, body.reason ?? null, {
      id: user.id,
      username: user.username,
      ip: req.ip ?? null,
    });
  }

  @Get(':key/history')
  @ApiOperation({ summary: 'Changes of a setting, newest first (sensitive values masked)' })
  @ApiOkResponse({ type: SettingHistoryResponse })
  async history(
    @Param() params: SettingKeyParam,
    @Query() query: HistoryQuery,
  ): Promise<SettingHistoryResponse> {
    return { history: await this.settings.history(params.key, query.limit) };
  }
}
