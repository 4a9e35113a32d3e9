import {
  Body,
  Controller,
  Delete,
  Get,
  Param,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

import { Public, RequireRole } from '../auth/decorators/access.decorator.js';
import { type AuthenticatedUser, CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { OffsetPageQuery } from '../common/dto/offset-page.query.js';
import { SOURCE_NAME } from '../common/evidence/gene-identifiers.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import {
  auditView,
  identifiersView,
  statusView,
  uploadsView,
  uploadView,
} from './ingestion-views.js';
import { UploadFileInterceptor } from './upload-file.interceptor.js';
import { type UploadedFile as File, UploadsService } from './uploads.service.js';

class SourceParam {
  @ApiProperty({ example: 'DiagnosticPanels' })
  @Matches(SOURCE_NAME)
  source: string;
}

class IdentifierParam extends SourceParam {
  @ApiProperty({ example: 'Invitae', description: 'A provider or a publication id' })
  @IsString()
  @Length(1, 200)
  identifier: string;
}

class UploadParam extends SourceParam {
  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  id: number;
}

class UploadForm {
  @ApiPropertyOptional({
    description:
      'The provider (DiagnosticPanels) or publication id, e.g. a PMID (Literature); defaults to provider_name / pmid in a JSON file',
    example: 'Invitae',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  identifier?: string;

  @ApiPropertyOptional({
    description: 'The same as `identifier` (the name the original Hybrid Sources page sends)',
    example: 'Invitae',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  provider_name?: string;

  @ApiPropertyOptional({
    enum: ['merge', 'replace'],
    default: 'merge',
    description: "merge adds to the identifier's genes; replace takes the identifier out first",
  })
  @IsOptional()
  @IsIn(['merge', 'replace'])
  mode: 'merge' | 'replace' = 'merge';
}

class IngestionResponse {
  @ApiProperty({ type: Object }) data: unknown;
  @ApiPropertyOptional({ type: Object }) meta?: Record<string, unknown>;
}

@ApiTags('ingestion')
@Controller('api/ingestion')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The upload sources and the formats they read' })
  @ApiOkResponse({ type: IngestionResponse })
  list(): IngestionResponse {
    const sources = this.uploads.sources();
    return { data: { sources }, meta: { total: sources.length } };
  }

  @Post(':source/upload')
  @RequireRole('curator')
  @UseInterceptors(UploadFileInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: {
          type: 'string',
          format: 'binary',
          description: 'JSON, CSV, TSV or XLSX; ≤ 50 MB by default (UPLOAD_MAX_MB)',
        },
        identifier: { type: 'string' },
        mode: { type: 'string', enum: ['merge', 'replace'], default: 'merge' },
      },
    },
  })
  @ApiOperation({
    summary: 'Upload one provider’s panels or one publication’s genes',
    description:
      'Genes are normalized and stored with the upload record and an audit entry in one transaction; the scores follow.',
  })
  @ApiOkResponse({ type: IngestionResponse })
  @ApiResponse({
    status: 400,
    type: ErrorEnvelope,
    description: 'No file, no identifier, or no usable gene rows',
  })
  @ApiResponse({
    status: 413,
    type: ErrorEnvelope,
    description:
      'Over an upload limit (file size, inflated size, rows, cell length, distinct genes, parse time or memory); details name the limit and its variable',
  })
  @ApiResponse({ status: 415, type: ErrorEnvelope, description: 'Not JSON, CSV, TSV or XLSX' })
  @ApiResponse({
    status: 503,
    type: ErrorEnvelope,
    description:
      'UPLOADS_BUSY: both parse slots busy and 4 uploads already waiting; retry after Retry-After seconds',
  })
  async upload(
    @Param() params: SourceParam,
    @UploadedFile() file: File | undefined,
    @Body() form: UploadForm,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<IngestionResponse> {
    const identifier = form.identifier ?? form.provider_name;
    return {
      data: uploadView(
        await this.uploads.upload(params.source, file, { identifier, mode: form.mode }, user),
      ),
    };
  }

  @Get(':source/status')
  @Public()
  @ApiOperation({ summary: 'Genes, identifiers and uploads of an upload source' })
  @ApiOkResponse({ type: IngestionResponse })
  async status(@Param() params: SourceParam): Promise<IngestionResponse> {
    return { data: statusView(await this.uploads.status(params.source)) };
  }

  @Get(':source/identifiers')
  @Public()
  @ApiOperation({ summary: 'Providers or publications, with how many genes each covers' })
  @ApiOkResponse({ type: IngestionResponse })
  async identifiers(@Param() params: SourceParam): Promise<IngestionResponse> {
    const rows = await this.uploads.identifiers(params.source);
    return { data: identifiersView(rows), meta: { total: rows.length } };
  }

  @Delete(':source/identifiers/:identifier')
  @RequireRole('curator')
  @ApiOperation({ summary: 'Take a provider or publication out of every gene (audited)' })
  @ApiOkResponse({ type: IngestionResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async deleteIdentifier(
    @Param() params: IdentifierParam,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<IngestionResponse> {
    return {
      data: await this.uploads.deleteIdentifier(params.source, params.identifier, user),
      meta: { deleted_by: user.username },
    };
  }

  @Get(':source/uploads')
  @RequireRole('curator')
  @ApiOperation({ summary: 'Upload history with content hashes, newest first' })
  @ApiOkResponse({ type: IngestionResponse })
  async history(
    @Param() params: SourceParam,
    @Query() query: OffsetPageQuery,
  ): Promise<IngestionResponse> {
    const { rows, total } = await this.uploads.uploads(params.source, query.limit, query.offset);
    return { data: uploadsView(rows), meta: { total, limit: query.limit, offset: query.offset } };
  }

  @Delete(':source/uploads/:id')
  @RequireRole('curator')
  @ApiOperation({
    summary: 'Withdraw one upload; its identifier is rebuilt from the uploads that remain',
  })
  @ApiOkResponse({ type: IngestionResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async withdraw(
    @Param() params: UploadParam,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<IngestionResponse> {
    return { data: await this.uploads.withdrawUpload(params.source, params.id, user) };
  }

  @Get(':source/audit')
  @RequireRole('curator')
  @ApiOperation({ summary: 'Who uploaded or deleted what, newest first' })
  @ApiOkResponse({ type: IngestionResponse })
  async audit(
    @Param() params: SourceParam,
    @Query() query: OffsetPageQuery,
  ): Promise<IngestionResponse> {
    const { rows, total } = await this.uploads.auditTrail(params.source, query.limit, query.offset);
    return { data: auditView(rows), meta: { total, limit: query.limit, offset: query.offset } };
  }
}
