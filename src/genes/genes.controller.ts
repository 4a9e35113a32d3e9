import {
  Body,
  Controller,
  Get,
  HttpCode,
  Logger,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';

import { Public, RequireRole } from '../auth/decorators/access.decorator.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { CachedResponse } from '../http/http-cache.interceptor.js';
import { CreateGeneRequest } from './dto/create-gene.request.js';
import { ExportGenesQuery } from './dto/export-genes.query.js';
import {
  CreateGeneResponse,
  EvidenceListResponse,
  GeneDetailResponse,
  GeneExportItem,
  GeneListResponse,
  ResolveQuery,
  ResolveResponse,
  SymbolParam,
} from './dto/gene.response.js';
import {
  HpoClassificationsRequest,
  HpoClassificationsResponse,
} from './dto/hpo-classifications.dto.js';
import { ListGenesQuery } from './dto/list-genes.query.js';
import { EXPORT_MEDIA_TYPES, negotiateFormat } from './export/export-formats.js';
import { sendExport } from './export/export-response.js';
import { GeneExportService } from './export/gene-export.service.js';
import { GenesService } from './genes.service.js';

const text = { schema: { type: 'string' } };

@ApiTags('genes')
@ApiExtraModels(GeneExportItem)
@Controller('api/genes')
export class GenesController {
  private readonly logger = new Logger(GenesController.name);

  constructor(
    private readonly genes: GenesService,
    private readonly exports: GeneExportService,
  ) {}

  @Get()
  @Public()
  @CachedResponse({ namespace: 'genes' })
  @ApiOperation({
    summary: 'Genes with scores, tiers and sources (JSON:API, filterable, sortable)',
  })
  @ApiOkResponse({ type: GeneListResponse })
  @ApiResponse({
    status: 400,
    type: ErrorEnvelope,
    description: 'Unknown tier, sort key or bad parameter',
  })
  list(@Query() query: ListGenesQuery, @Req() req: Request): Promise<GeneListResponse> {
    return this.genes.list(query, req.path, req.originalUrl.split('?')[1] ?? '');
  }

  // Declared before `:symbol`, which would otherwise take `export` for a gene symbol.
  @Get('export')
  @Public()
  @ApiOperation({
    summary: 'Download every gene the list would show (its filters and sort, no paging)',
    description:
      'Streamed as it is read (chunked, not cached). CSV/TSV: one row per gene, list cells ' +
      'joined with `|`, a `source_scores.<source>` column per scoring source, text cells ' +
      "starting with = + - @ tab or CR prefixed with `'`. JSON: an array of the list's items " +
      'with `source_scores` and `raw_score`. A failure after the first bytes aborts the ' +
      'connection instead of ending the file.',
  })
  @ApiProduces(...Object.values(EXPORT_MEDIA_TYPES))
  @ApiOkResponse({
    description: 'An attachment named kidney-genetics-db_genes_<YYYY-MM-DD>.<format>',
    headers: {
      'Content-Disposition': {
        description: 'attachment; filename="kidney-genetics-db_genes_<YYYY-MM-DD>.<format>"',
        schema: { type: 'string' },
      },
    },
    content: {
      [EXPORT_MEDIA_TYPES.csv]: text,
      [EXPORT_MEDIA_TYPES.tsv]: text,
      [EXPORT_MEDIA_TYPES.json]: {
        schema: { type: 'array', items: { $ref: getSchemaPath(GeneExportItem) } },
      },
    },
  })
  @ApiResponse({
    status: 400,
    type: ErrorEnvelope,
    description: 'Unknown format (the message lists csv, tsv, json), or a bad list parameter',
  })
  @ApiResponse({
    status: 406,
    type: ErrorEnvelope,
    description: 'No `format` and an Accept header that admits none of the three media types',
  })
  @ApiResponse({
    status: 503,
    type: ErrorEnvelope,
    description:
      'EXPORTS_BUSY: half the connection pool already streams downloads; retry after Retry-After seconds',
  })
  async export(
    @Query() query: ExportGenesQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const format = negotiateFormat(query.format, (types) => req.accepts(types));
    sendExport(res, await this.exports.open(query, format), format, this.logger);
  }

  @Post('hpo-classifications')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'HPO clinical group, onset group and syndromic flag of up to 1000 genes',
  })
  @ApiOkResponse({ type: HpoClassificationsResponse })
  @ApiResponse({ status: 400, type: ErrorEnvelope, description: 'Not 1–1000 positive gene ids' })
  hpoClassifications(@Body() body: HpoClassificationsRequest): Promise<HpoClassificationsResponse> {
    return this.genes.hpoClassifications(body.gene_ids);
  }

  @Get('resolve')
  @Public()
  @CachedResponse({ namespace: 'genes' })
  @ApiOperation({ summary: 'Resolve an HGNC/Ensembl/NCBI/UniProt id, symbol or alias to a gene' })
  @ApiOkResponse({ type: ResolveResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  resolve(@Query() query: ResolveQuery): Promise<ResolveResponse> {
    return this.genes.resolve(query.query);
  }

  @Get(':symbol')
  @Public()
  @CachedResponse({ namespace: 'genes' })
  @ApiOperation({ summary: 'One gene (by symbol, any case, or HGNC id) with its score breakdown' })
  @ApiOkResponse({ type: GeneDetailResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  detail(@Param() params: SymbolParam): Promise<GeneDetailResponse> {
    return this.genes.detail(params.symbol);
  }

  @Get(':symbol/evidence')
  @Public()
  @CachedResponse({ namespace: 'genes' })
  @ApiOperation({ summary: 'Evidence rows of a gene, one per source, with the source score' })
  @ApiOkResponse({ type: EvidenceListResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  evidence(@Param() params: SymbolParam): Promise<EvidenceListResponse> {
    return this.genes.evidence(params.symbol);
  }

  @Post()
  @RequireRole('curator')
  @ApiOperation({ summary: 'Add a gene by HGNC id and approved symbol' })
  @ApiCreatedResponse({ type: CreateGeneResponse })
  @ApiResponse({
    status: 409,
    type: ErrorEnvelope,
    description: 'HGNC id or symbol already present',
  })
  async create(@Body() body: CreateGeneRequest): Promise<CreateGeneResponse> {
    return { data: await this.genes.create(body) };
  }
}
