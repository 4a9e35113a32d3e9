import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, Matches } from 'class-validator';

import { Public } from '../auth/decorators/access.decorator.js';
import { repeatedKey } from '../common/dto/query-transforms.js';
import { ValidationFailedError } from '../common/errors/domain.error.js';
import { originalAnnotationKey, originalData } from './annotations/original-annotation-shape.js';
import { GenesService } from './genes.service.js';

const MAX_GENES = 100;

class BatchQuery {
  @ApiPropertyOptional({
    type: [String],
    description: 'Only these annotation sources (repeated key; our names or the original keys)',
  })
  @IsOptional()
  @Transform(repeatedKey)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { each: true })
  sources?: string[];
}

class BatchResponse {
  @ApiProperty({ type: Object, description: 'Per gene id: {symbol, hgnc_id}' })
  genes: Record<string, { symbol: string; hgnc_id: string }>;
  @ApiProperty({
    type: Object,
    description: 'Per gene id, per source key: [{version, data, updated_at}] (as the gene route)',
  })
  annotations: Record<string, Record<string, unknown[]>>;
  @ApiProperty({ description: 'Known genes asked for' }) total_genes: number;
  @ApiProperty() genes_with_annotations: number;
}

@ApiTags('annotations')
@Controller('api/annotations')
export class AnnotationsBatchController {
  constructor(private readonly genes: GenesService) {}

  @Post('batch')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: `Annotation rows of up to ${MAX_GENES} genes (a read; body: gene ids)` })
  @ApiBody({ schema: { type: 'array', items: { type: 'integer' }, maxItems: MAX_GENES } })
  @ApiOkResponse({ type: BatchResponse })
  async batch(@Body() body: unknown, @Query() query: BatchQuery): Promise<BatchResponse> {
    const ids = geneIds(body);
    const { genes, rows } = await this.genes.annotationsOf(ids, query.sources);
    const annotations: Record<string, Record<string, unknown[]>> = {};
    for (const row of rows) {
      (annotations[row.gene_id] ??= {})[originalAnnotationKey(row.source)] = [
        { version: row.version, data: originalData(row), updated_at: row.updated_at.toISOString() },
      ];
    }
    return {
      genes: Object.fromEntries(
        genes.map((g) => [g.id, { symbol: g.approved_symbol, hgnc_id: g.hgnc_id }]),
      ),
      annotations,
      total_genes: genes.length,
      genes_with_annotations: Object.keys(annotations).length,
    };
  }
}

/** The body: a JSON array of 1–100 positive integer gene ids. */
function geneIds(body: unknown): number[] {
  const valid =
    Array.isArray(body) &&
    body.length >= 1 &&
    body.length <= MAX_GENES &&
    body.every((id) => Number.isInteger(id) && (id as number) > 0 && (id as number) < 2 ** 31);
  if (!valid) {
    throw new ValidationFailedError([
      { field: 'body', messages: [`must be an array of 1 to ${MAX_GENES} gene ids`] },
    ]);
  }
  return [...new Set(body as number[])];
}
