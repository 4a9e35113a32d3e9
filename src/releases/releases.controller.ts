import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import fresh from 'fresh';

import { Public, RequireRole } from '../auth/decorators/access.decorator.js';
import { type AuthenticatedUser, CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import {
  CitationQuery,
  CreateReleaseRequest,
  DiffQuery,
  ExportQuery,
  ListReleasesQuery,
  MessageResponse,
  ReleaseDiffParams,
  ReleaseDiffResponse,
  ReleaseGenesResponse,
  ReleaseIdParam,
  ReleaseListResponse,
  ReleasePageQuery,
  ReleaseRefParam,
  ReleaseResponse,
  UpdateReleaseRequest,
} from './dto/release.dto.js';
import { ReleasesService } from './releases.service.js';

/** A year: published files never change, so caches may keep them. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

@ApiTags('releases')
@Controller('api/releases')
export class ReleasesController {
  constructor(private readonly releases: ReleasesService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary:
      'Releases, newest CalVer first: published ones to everyone, drafts too to curators and admins',
  })
  @ApiOkResponse({ type: ReleaseListResponse })
  list(@Query() query: ListReleasesQuery, @Req() req: Request): Promise<ReleaseListResponse> {
    return this.releases.list(query, req.user);
  }

  @Post()
  @RequireRole('admin')
  @ApiOperation({
    summary:
      'Create a draft release; `version` and `release_notes` in the body or, as the original admin page sends them, in the query',
  })
  @ApiCreatedResponse({ type: ReleaseResponse })
  @ApiResponse({ status: 400, type: ErrorEnvelope, description: 'Not a CalVer YYYY.M[M]' })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'The version (month) exists' })
  create(
    @Body() body: CreateReleaseRequest,
    @Query() query: CreateReleaseRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ReleaseResponse> {
    return this.releases.create(body ?? {}, query, user);
  }

  @Get(':version')
  @Public()
  @ApiOperation({ summary: 'One release by CalVer version (or id), with its files and checksums' })
  @ApiOkResponse({ type: ReleaseResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  get(@Param() params: ReleaseRefParam, @Req() req: Request): Promise<ReleaseResponse> {
    return this.releases.get(params.version, req.user);
  }

  @Patch(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Change the version or notes of a draft' })
  @ApiOkResponse({ type: ReleaseResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Published, or version taken' })
  update(
    @Param() params: ReleaseIdParam,
    @Body() body: UpdateReleaseRequest,
  ): Promise<ReleaseResponse> {
    return this.releases.update(params.id, body);
  }

  @Delete(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Delete a draft' })
  @ApiOkResponse({ type: MessageResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Published releases stay' })
  remove(@Param() params: ReleaseIdParam): Promise<MessageResponse> {
    return this.releases.remove(params.id);
  }

  @Post(':id/publish')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Publish a draft: freeze every gene, its evidence and annotations, and write the checksummed exports',
  })
  @ApiOkResponse({ type: ReleaseResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Already published' })
  publish(
    @Param() params: ReleaseIdParam,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ReleaseResponse> {
    return this.releases.publish(params.id, user);
  }

  @Post(':id/deposit')
  @RequireRole('admin')
  @HttpCode(202)
  @ApiOperation({ summary: 'Try the Zenodo deposit of a published release without a DOI again' })
  @ApiAcceptedResponse({ type: ReleaseResponse })
  @ApiResponse({
    status: 409,
    type: ErrorEnvelope,
    description: 'Draft, DOI present or none configured',
  })
  deposit(@Param() params: ReleaseIdParam): Promise<ReleaseResponse> {
    return this.releases.retryDeposit(params.id);
  }

  @Get(':version/export')
  @Public()
  @ApiOperation({
    summary:
      'Download a published release: JSON (the original layout), CSV or TSV gene table, or the manifest; streamed, with X-Checksum-SHA256 and a strong ETag',
  })
  @ApiProduces('application/json', 'text/csv', 'text/tab-separated-values')
  @ApiOkResponse({ description: 'The file' })
  @ApiResponse({ status: 304, description: 'If-None-Match matched the ETag' })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'A draft has no exports' })
  async export(
    @Param() params: ReleaseRefParam,
    @Query() query: ExportQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile | undefined> {
    const download = await this.releases.download(params.version, query.format, req.user);
    const { file } = download;
    const etag = `"sha256-${file.sha256}"`;
    res.setHeader('ETag', etag);
    res.setHeader('X-Checksum-SHA256', file.sha256);
    res.setHeader('Cache-Control', IMMUTABLE);
    if (fresh(req.headers, { etag })) {
      res.status(304);
      return undefined;
    }
    const stream = new StreamableFile(download.stream(), {
      type: file.content_type,
      disposition: `attachment; filename="${file.file_name}"`,
      length: Number(file.size),
    });
    // Headers are sent before the first chunk is read: a failure after that must cut the
    // connection (the client sees a short body against Content-Length), never end it cleanly.
    stream.setErrorHandler((error, response) => {
      const out = response as unknown as Response;
      if (out.headersSent) {
        out.destroy(error);
      } else {
        out.statusCode = 500;
        out.end();
      }
    });
    return stream;
  }

  @Get(':version/citation')
  @Public()
  @ApiOperation({
    summary: 'How to cite a published release: CITATION.cff, DataCite JSON or plain text',
  })
  @ApiProduces('application/x-yaml', 'application/vnd.datacite.datacite+json', 'text/plain')
  @ApiOkResponse({ description: 'The citation' })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async citation(
    @Param() params: ReleaseRefParam,
    @Query() query: CitationQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const c = await this.releases.citation(params.version, query.format, req.user);
    res.setHeader('Content-Type', c.contentType);
    res.setHeader('Content-Disposition', `inline; filename="${c.fileName}"`);
    return c.body;
  }

  @Get(':version/genes')
  @Public()
  @ApiOperation({ summary: 'The genes of a published release as frozen, in symbol order' })
  @ApiOkResponse({ type: ReleaseGenesResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  genes(
    @Param() params: ReleaseRefParam,
    @Query() query: ReleasePageQuery,
    @Req() req: Request,
  ): Promise<ReleaseGenesResponse> {
    return this.releases.genes(params.version, query.limit, query.offset, req.user);
  }

  @Get(':from/diff/:to')
  @Public()
  @ApiOperation({
    summary:
      'What changed between two published releases: genes added, removed, and with another tier or score',
  })
  @ApiOkResponse({ type: ReleaseDiffResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  diff(
    @Param() params: ReleaseDiffParams,
    @Query() query: DiffQuery,
    @Req() req: Request,
  ): Promise<ReleaseDiffResponse> {
    return this.releases.diff(params.from, params.to, query.limit, req.user);
  }
}
