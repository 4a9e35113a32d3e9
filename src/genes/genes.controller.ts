import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';

import { Public, RequireRole } from '../auth/decorators/access.decorator.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { CachedResponse } from '../http/http-cache.interceptor.js';
import { CreateGeneRequest } from './dto/create-gene.request.js';
import {
  CreateGeneResponse,
  EvidenceListResponse,
  GeneDetailResponse,
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
import { GenesService } from './genes.service.js';

@ApiTags('genes')
@Controller('api/genes')
export class GenesController {
  constructor(private readonly genes: GenesService) {}

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
