import { Controller, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, Matches } from 'class-validator';

import { RequireRole } from '../auth/decorators/access.decorator.js';
import { type AuthenticatedUser, CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { repeatedKey } from '../common/dto/query-transforms.js';
import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { GenesService } from '../genes/genes.service.js';
import { PipelineService, type RunView } from './pipeline.service.js';

class GeneUpdateQuery {
  @ApiPropertyOptional({
    type: [String],
    description:
      'Annotation sources (repeated key; our names or the original’s keys such as `hpo`); default every annotation source',
  })
  @IsOptional()
  @Transform(repeatedKey)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { each: true })
  sources?: string[];
}

class GeneUpdateResponse {
  @ApiProperty({ example: 'update_scheduled' }) status: string;
  @ApiProperty() gene_id: number;
  @ApiProperty({ type: [String] }) sources: string[];
  @ApiProperty() message: string;
  @ApiProperty({ type: Object, description: 'The run (its annotation stage limited to the gene)' })
  data: RunView;
}

/** Re-annotates one gene: an update run of annotation sources limited to that gene. */
@ApiTags('pipeline')
@Controller('api/annotations/genes')
export class GeneAnnotationUpdateController {
  constructor(
    private readonly pipeline: PipelineService,
    private readonly genes: GenesService,
  ) {}

  @Post(':id/annotations/update')
  @RequireRole('admin')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Annotate one gene again from the given (default all) annotation sources',
  })
  @ApiAcceptedResponse({ type: GeneUpdateResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'No such gene or source' })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'A source is held by a run' })
  async update(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: GeneUpdateQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<GeneUpdateResponse> {
    const { gene } = await this.genes.annotations(id);
    const sources = this.pipeline.annotationSourceNames(query.sources);
    // Every named source, rows present or not: a gene re-annotated, not only filled in.
    const run = await this.pipeline.start({ kind: 'update', sources, genes: [gene.hgnc_id] }, user);
    return {
      status: 'update_scheduled',
      gene_id: id,
      sources: run.sources,
      message: `Annotation of ${gene.approved_symbol} ${run.status} as run ${run.id}`,
      data: run,
    };
  }
}
