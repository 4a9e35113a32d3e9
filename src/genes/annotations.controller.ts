import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/decorators/access.decorator.js';
import { CachedResponse } from '../http/http-cache.interceptor.js';
import { LegacyAlias } from '../http/legacy-alias.decorator.js';
import {
  annotationSourceName,
  originalAnnotations,
} from './annotations/original-annotation-shape.js';
import { originalSummary } from './annotations/original-summary-shape.js';
import {
  AnnotationsQuery,
  GeneAnnotationsResponse,
  GeneAnnotationSummaryResponse,
} from './dto/gene.response.js';
import { GenesService } from './genes.service.js';

type Json = Record<string, unknown>;
const pick = (o: unknown, ...keys: string[]): unknown => {
  if (!o || typeof o !== 'object') {
    return null;
  }
  for (const k of keys) {
    if ((o as Json)[k] !== undefined && (o as Json)[k] !== null) {
      return (o as Json)[k];
    }
  }
  return null;
};

@ApiTags('annotations')
@Controller('api/annotations/genes')
export class AnnotationsController {
  constructor(private readonly genes: GenesService) {}

  @Get(':id/annotations')
  @Public()
  @CachedResponse({ namespace: 'annotations' })
  @ApiOperation({ summary: 'Annotation rows of a gene, per source (optionally one source)' })
  @ApiOkResponse({ type: GeneAnnotationsResponse })
  async annotations(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: AnnotationsQuery,
  ): Promise<GeneAnnotationsResponse> {
    const source = query.source === undefined ? undefined : annotationSourceName(query.source);
    const { gene, rows } = await this.genes.annotations(id, source);
    return {
      gene: { id: gene.id, symbol: gene.approved_symbol, hgnc_id: gene.hgnc_id },
      gene_id: gene.id,
      gene_symbol: gene.approved_symbol,
      annotations: originalAnnotations(rows),
    };
  }

  @Get(':id/summary')
  @LegacyAlias({
    path: '/api/annotations/genes/:id/annotations/summary',
    why: "the original's per-gene summary path repeats 'annotations'",
    reshape: originalSummary,
  })
  @Public()
  @CachedResponse({ namespace: 'annotations' })
  @ApiOperation({ summary: 'Key identifiers and constraint figures of a gene' })
  @ApiOkResponse({ type: GeneAnnotationSummaryResponse })
  async summary(@Param('id', ParseIntPipe) id: number): Promise<GeneAnnotationSummaryResponse> {
    const { gene, rows } = await this.genes.annotations(id);
    const by = Object.fromEntries(rows.map((r) => [r.source, r.annotations]));
    const constraint = pick(by.gnomad, 'constraint') ?? by.gnomad;
    const hpo = pick(by.hpo_phenotypes, 'classification');
    return {
      gene_id: gene.id,
      gene_symbol: gene.approved_symbol,
      summary: {
        hgnc_id: gene.hgnc_id,
        ncbi_gene_id: pick(by.hgnc, 'ncbi_gene_id', 'entrez_id'),
        ensembl_gene_id: pick(by.hgnc, 'ensembl_gene_id'),
        mane_select: pick(by.hgnc, 'mane_select'),
        uniprot_accession: pick(by.uniprot, 'accession') ?? pick(by.hgnc, 'uniprot_ids'),
        pli: pick(constraint, 'pli', 'pLI'),
        oe_lof: pick(constraint, 'oe_lof'),
        oe_lof_lower: pick(constraint, 'oe_lof_lower'),
        oe_lof_upper: pick(constraint, 'oe_lof_upper', 'loeuf'),
        lof_z: pick(constraint, 'lof_z'),
        mis_z: pick(constraint, 'mis_z'),
        syn_z: pick(constraint, 'syn_z'),
        oe_mis: pick(constraint, 'oe_mis'),
        oe_syn: pick(constraint, 'oe_syn'),
        kidney_phenotype_count: pick(by.hpo_phenotypes, 'kidney_phenotype_count'),
        clinical_group: pick(pick(hpo, 'clinical_group'), 'primary'),
        onset_group: pick(pick(hpo, 'onset_group'), 'primary'),
        is_syndromic: pick(pick(hpo, 'syndromic_assessment'), 'is_syndromic'),
        sources: rows.map((r) => r.source),
      },
    };
  }
}
