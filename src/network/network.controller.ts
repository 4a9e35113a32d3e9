import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';

import { Public } from '../auth/decorators/access.decorator.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { cachedBody } from '../http/http-cache.interceptor.js';
import {
  GoEnrichmentRequest,
  HpoEnrichmentRequest,
  NetworkBuildRequest,
  NetworkClusterRequest,
  NetworkSubgraphRequest,
} from './dto/network.request.js';
import {
  EnrichmentResponse,
  GeneSetLibrariesResponse,
  GoEnrichmentResponse,
  NetworkBuildResponse,
  NetworkClusterResponse,
} from './dto/network.response.js';
import { EnrichmentService } from './enrichment.service.js';
import { type CachedAnswer, NetworkService } from './network.service.js';

const invalid = { status: 400, type: ErrorEnvelope, description: 'A value out of its bounds' };
const noGenes = { type: ErrorEnvelope, description: 'None of the gene ids exists' };
const notLoaded = {
  type: ErrorEnvelope,
  description:
    'The library is not loaded yet (LIBRARY_NOT_LOADED): its annotation source has not run',
};

/** A cached network answer as the body, with X-Cache saying whether it was computed now. */
function answer(req: Request, res: Response, { record, cache }: CachedAnswer): unknown {
  res.setHeader('X-Cache', cache);
  return cachedBody(req, res, record);
}

/**
 * Protein-interaction networks of any gene set from the stored STRING annotation, their
 * clusters, and enrichment of a gene set in HPO, GO and Reactome terms, computed here.
 * Public reads (POST because the gene lists are long), rate limited like every other.
 */
@ApiTags('network')
@Controller('api/network')
export class NetworkController {
  constructor(
    private readonly network: NetworkService,
    private readonly enrichment: EnrichmentService,
  ) {}

  @Post('build')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'The STRING network of a gene set, as counts and Cytoscape.js elements',
  })
  @ApiOkResponse({ type: NetworkBuildResponse })
  @ApiResponse(invalid)
  @ApiNotFoundResponse(noGenes)
  async build(
    @Body() body: NetworkBuildRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    return answer(req, res, await this.network.build(body));
  }

  @Post('cluster')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'The network clustered by Leiden or Louvain (weighted modularity, seeded) or Walktrap',
  })
  @ApiOkResponse({ type: NetworkClusterResponse })
  @ApiResponse(invalid)
  @ApiNotFoundResponse(noGenes)
  @ApiResponse({
    status: 422,
    type: ErrorEnvelope,
    description: 'The clustering ran past its time or memory limit (NETWORK_TOO_LARGE)',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorEnvelope,
    description: 'A clustering runs and 8 more wait (NETWORK_BUSY): retry after Retry-After',
  })
  async cluster(
    @Body() body: NetworkClusterRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    return answer(req, res, await this.network.cluster(body));
  }

  @Post('subgraph')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'The k-hop neighbourhood of seed genes within a network' })
  @ApiOkResponse({ type: NetworkBuildResponse })
  @ApiResponse(invalid)
  @ApiNotFoundResponse(noGenes)
  async subgraph(
    @Body() body: NetworkSubgraphRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    return answer(req, res, await this.network.subgraph(body));
  }

  @Post('enrich/hpo')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'HPO phenotypes enriched in a gene set (Fisher exact test, Benjamini–Hochberg)',
  })
  @ApiOkResponse({ type: EnrichmentResponse })
  @ApiResponse(invalid)
  @ApiServiceUnavailableResponse(notLoaded)
  enrichHpo(@Body() body: HpoEnrichmentRequest): Promise<EnrichmentResponse> {
    return this.enrichment.hpo(body);
  }

  @Post('enrich/go')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'GO terms or Reactome pathways enriched in a gene set, computed locally',
  })
  @ApiOkResponse({ type: GoEnrichmentResponse })
  @ApiResponse({
    ...invalid,
    description: 'A bad value, or a gene_set not offered (the message lists them)',
  })
  @ApiServiceUnavailableResponse(notLoaded)
  enrichGo(@Body() body: GoEnrichmentRequest): Promise<GoEnrichmentResponse> {
    return this.enrichment.go(body);
  }

  @Get('libraries')
  @Public()
  @ApiOperation({ summary: 'The gene-set libraries loaded for enrichment, with their releases' })
  @ApiOkResponse({ type: GeneSetLibrariesResponse })
  libraries(): Promise<GeneSetLibrariesResponse> {
    return this.enrichment.libraries();
  }
}
