import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import type { CytoscapeEdge, CytoscapeNode } from '../graph/ppi-graph.js';

export class StringCoverageResponse {
  @ApiProperty({ nullable: true, type: String, example: '12.0' })
  version: string | null;

  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'the STRING score the interactions were stored from: a lower min_string_score finds no more edges',
  })
  stored_min_score: number | null;

  @ApiProperty({ description: 'requested genes with a stored STRING annotation' })
  genes_with_interactions_stored: number;

  @ApiProperty()
  min_string_score: number;
}

export class CytoscapeJson {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'nodes `data{id, label, gene_id, degree[, cluster_id, color]}` then edges `data{id "<src>_<tgt>", source, target, weight, string_score}`',
  })
  elements: (CytoscapeNode | CytoscapeEdge)[];
}

export class NetworkBuildResponse {
  @ApiProperty({ description: 'genes in the network' })
  nodes: number;

  @ApiProperty({ description: 'interacting pairs (one edge per pair)' })
  edges: number;

  @ApiProperty({ description: 'connected components; an isolated gene counts as one' })
  components: number;

  @ApiProperty({ type: CytoscapeJson })
  cytoscape_json: CytoscapeJson;

  @ApiProperty({ type: [Number], description: 'requested ids that are no gene' })
  unknown_gene_ids: number[];

  @ApiProperty({ type: StringCoverageResponse })
  string: StringCoverageResponse;
}

export class NetworkClusterResponse extends NetworkBuildResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'gene id (as a string key) → cluster id, 0 = the largest cluster',
  })
  clusters: Record<string, number>;

  @ApiProperty()
  num_clusters: number;

  @ApiProperty({ type: [Number], description: 'genes per cluster, by cluster id' })
  cluster_sizes: number[];

  @ApiProperty({
    description: 'weighted modularity (resolution 1) of the returned partition, to 3 decimals',
  })
  modularity: number;

  @ApiProperty({ enum: ['leiden', 'louvain', 'walktrap'] })
  algorithm: string;

  @ApiProperty({ enum: ['modularity'] })
  objective: 'modularity';

  @ApiProperty({ example: 1 })
  resolution: number;

  @ApiProperty({
    description: 'the seed Leiden and Louvain run with (Walktrap uses no randomness)',
  })
  seed: number;
}

export class EnrichmentResultItem {
  @ApiProperty({ example: 'GO:0072001' })
  term_id: string;

  @ApiProperty({ example: 'renal system development' })
  term_name: string;

  @ApiProperty({ description: 'one-sided Fisher exact test (greater)' })
  p_value: number;

  @ApiProperty({ description: 'Benjamini–Hochberg over the tested terms' })
  fdr: number;

  @ApiProperty({ description: 'query genes annotated to the term' })
  gene_count: number;

  @ApiProperty({ description: 'query genes in the universe' })
  cluster_size: number;

  @ApiProperty({ description: 'universe genes annotated to the term' })
  background_count: number;

  @ApiProperty({ type: [String] })
  genes: string[];

  @ApiProperty({ description: '−log10(fdr); 100 when fdr is 0' })
  enrichment_score: number;

  @ApiProperty({ description: 'a·d / (b·c); 1000 when infinite' })
  odds_ratio: number;
}

export class GeneSetLibraryResponse {
  @ApiProperty({ example: 'GO_BP' })
  name: string;

  @ApiProperty({ example: 'go' })
  source: string;

  @ApiProperty({ example: '2025-10-10' })
  version: string;

  @ApiProperty()
  term_count: number;

  @ApiProperty({ description: 'genes annotated in the library' })
  gene_count: number;

  @ApiProperty({ type: String, format: 'date-time' })
  loaded_at: string;
}

export class EnrichmentResponse {
  @ApiProperty({ type: [EnrichmentResultItem] })
  results: EnrichmentResultItem[];

  @ApiProperty({ description: 'terms with fdr below the threshold (results are capped)' })
  total_terms: number;

  @ApiProperty({ description: 'terms tested (overlap ≥ min_overlap): the BH family' })
  tested_terms: number;

  @ApiProperty({ description: 'distinct genes sent' })
  cluster_size: number;

  @ApiProperty({ description: 'genes sent that the library annotates (|C|)' })
  genes_in_universe: number;

  @ApiProperty({ description: 'genes of the universe (N)' })
  universe_size: number;

  @ApiProperty()
  min_overlap: number;

  @ApiProperty()
  fdr_threshold: number;

  @ApiProperty({ type: GeneSetLibraryResponse })
  library: GeneSetLibraryResponse;
}

export class GoEnrichmentResponse extends EnrichmentResponse {
  @ApiPropertyOptional({ example: 'GO_Biological_Process_2023' })
  gene_set: string;
}

export class GeneSetLibrariesResponse {
  @ApiProperty({ type: [GeneSetLibraryResponse] })
  libraries: GeneSetLibraryResponse[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'gene_set names accepted by /enrich/go → library',
  })
  gene_sets: Record<string, string>;
}
