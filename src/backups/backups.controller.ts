import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';

import { RequireRole } from '../auth/decorators/access.decorator.js';
import { type AuthenticatedUser, CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { BackupsService } from './backups.service.js';
import {
  BackupIdParam,
  BackupListResponse,
  BackupResponse,
  BackupStatsResponse,
  CleanupResponse,
  CreateBackupRequest,
  ListBackupsQuery,
  MessageResponse,
  RestoreBackupRequest,
  RestoreResponse,
} from './dto/backups.dto.js';

// Fixed paths are declared before `:id`, which would otherwise take them.
@ApiTags('admin: backups')
@RequireRole('admin')
@Controller('api/admin/backups')
export class BackupsController {
  constructor(private readonly backups: BackupsService) {}

  @Get('stats')
  @ApiOperation({ summary: 'How many backups, their total size, the retention and the method' })
  @ApiOkResponse({ type: BackupStatsResponse })
  stats(): Promise<BackupStatsResponse> {
    return this.backups.stats();
  }

  @Get()
  @ApiOperation({ summary: 'Backups, newest first, filtered and paged (`total`: all matching)' })
  @ApiOkResponse({ type: BackupListResponse })
  list(@Query() query: ListBackupsQuery): Promise<BackupListResponse> {
    return this.backups.list(query);
  }

  @Post('create')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a backup; answers the pending row, whose progress the list shows',
  })
  @ApiAcceptedResponse({ type: BackupResponse })
  create(
    @Body() body: CreateBackupRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<BackupResponse> {
    return this.backups.create(body, user.username);
  }

  @Post('cleanup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete completed backups whose retention has passed' })
  @ApiOkResponse({ type: CleanupResponse })
  cleanup(): Promise<CleanupResponse> {
    return this.backups.cleanup();
  }

  @Post('restore/:id')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Queue a restore of a backup (after a safety backup, by default); the service answers 503 while it runs',
  })
  @ApiAcceptedResponse({ type: RestoreResponse })
  @ApiResponse({
    status: 409,
    type: ErrorEnvelope,
    description: 'Not restorable: not completed, file missing, checksum or schema mismatch',
  })
  restore(
    @Param() params: BackupIdParam,
    @Body() body: RestoreBackupRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RestoreResponse> {
    return this.backups.restore(params.id, body, user.username);
  }

  @Get('restores/:id')
  @ApiOperation({ summary: 'One restore: its status, safety backup and error' })
  @ApiOkResponse({ type: RestoreResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  getRestore(@Param() params: BackupIdParam): Promise<RestoreResponse> {
    return this.backups.getRestore(params.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One backup' })
  @ApiOkResponse({ type: BackupResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  get(@Param() params: BackupIdParam): Promise<BackupResponse> {
    return this.backups.get(params.id);
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'The backup file, streamed, with its SHA-256 in X-Checksum-SHA256' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Not completed or file missing' })
  async download(
    @Param() params: BackupIdParam,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { stream, size, row } = await this.backups.download(params.id);
    res.setHeader('X-Checksum-SHA256', row.checksum_sha256 ?? '');
    return new StreamableFile(stream, {
      type: 'application/octet-stream',
      disposition: `attachment; filename="${row.filename}"`,
      length: size,
    });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a backup (file and row); refused while it runs' })
  @ApiOkResponse({ type: MessageResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Still running' })
  delete(@Param() params: BackupIdParam): Promise<MessageResponse> {
    return this.backups.delete(params.id);
  }
}
