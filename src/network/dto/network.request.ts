import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  Max,
  Min,
} from 'class-validator';

import { GENE_SET_NAMES } from '../enrichment/gene-set-names.js';
import { CLUSTER_ALGORITHMS, type ClusterAlgorithm } from '../graph/clustering.js';

const MAX_GENE_ID = 2_147_483_647;

/** A list of at least `min` and at most `max` gene ids (genes.id: positive 32-bit integers). */
const GeneIds = (min: number, max: number): PropertyDecorator =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(min),
    ArrayMaxSize(max),
    IsInt({ each: true }),
    Min(1, { each: true }),
    Max(MAX_GENE_ID, { each: true }),
  );

/** The genes of a network and the STRING score threshold of its edges. */
export class NetworkBuildRequest {
  @ApiProperty({
    type: [Number],
    minItems: 1,
    maxItems: 2000,
    example: [1, 2, 3],
    description: 'gene ids (genes.id); duplicates count once, unknown ids are listed back',
  })
  @GeneIds(1, 2000)
  gene_ids: number[];

  @ApiPropertyOptional({ minimum: 0, maximum: 1000, default: 400 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  min_string_score: number = 400;

  @ApiPropertyOptional({ default: false, description: 'drop genes without an edge' })
  @IsOptional()
  @IsBoolean()
  remove_isolated: boolean = false;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 10,
    default: 0,
    description: 'keep genes with at least this many edges (judged once, on the unfiltered graph)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  min_degree: number = 0;

  @ApiPropertyOptional({
    default: false,
    description: 'keep only the largest connected component of the unfiltered graph',
  })
  @IsOptional()
  @IsBoolean()
  largest_component_only: boolean = false;
}

export class NetworkClusterRequest extends NetworkBuildRequest {
  @ApiPropertyOptional({
    enum: CLUSTER_ALGORITHMS,
    default: 'leiden',
    description:
      'Leiden and Louvain maximise weighted modularity at resolution 1, seeded; Walktrap merges ' +
      'by 4-step random-walk distance and cuts at the highest weighted modularity',
  })
  @IsOptional()
  @IsIn(CLUSTER_ALGORITHMS, {
    message: `algorithm must be one of: ${CLUSTER_ALGORITHMS.join(', ')}`,
  })
  algorithm: ClusterAlgorithm = 'leiden';

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 50,
    default: 1,
    description: 'drop clusters with fewer genes (and their genes); the rest are renumbered',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  min_cluster_size: number = 1;
}

export class NetworkSubgraphRequest {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 50, description: 'the centres' })
  @GeneIds(1, 50)
  seed_gene_ids: number[];

  @ApiProperty({ type: [Number], minItems: 1, maxItems: 2000, description: 'the whole network' })
  @GeneIds(1, 2000)
  gene_ids: number[];

  @ApiPropertyOptional({ minimum: 0, maximum: 1000, default: 400 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  min_string_score: number = 400;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, default: 2, description: 'hops from a seed' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  k: number = 2;
}

class EnrichmentRequest {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 500, description: 'gene ids tested' })
  @GeneIds(1, 500)
  cluster_genes: number[];

  @ApiPropertyOptional({
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    default: 0.05,
    description: 'results keep fdr strictly below this',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(Number.MIN_VALUE)
  @Max(1)
  fdr_threshold: number = 0.05;

  @ApiPropertyOptional({
    type: [Number],
    nullable: true,
    maxItems: 100_000,
    description: 'restricts the universe (default: every gene the library annotates)',
  })
  @IsOptional()
  @GeneIds(0, 100_000)
  background_genes: number[] | null = null;
}

export class HpoEnrichmentRequest extends EnrichmentRequest {}

export class GoEnrichmentRequest extends EnrichmentRequest {
  @ApiPropertyOptional({ enum: GENE_SET_NAMES, default: 'GO_Biological_Process_2023' })
  @IsOptional()
  @IsIn(GENE_SET_NAMES, { message: `gene_set must be one of: ${GENE_SET_NAMES.join(', ')}` })
  gene_set: string = 'GO_Biological_Process_2023';

  @ApiPropertyOptional({
    minimum: 30,
    maximum: 300,
    default: 120,
    description:
      'accepted for compatibility; enrichment is computed locally and never waits on another service',
  })
  @IsOptional()
  @IsInt()
  @Min(30)
  @Max(300)
  timeout_seconds: number = 120;
}
