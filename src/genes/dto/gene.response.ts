import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

import { EVIDENCE_GROUPS, EVIDENCE_TIERS } from '../evidence-tiers.js';

export class GeneAttributes {
  @ApiProperty({ example: 'HGNC:9008' }) hgnc_id: string;
  @ApiProperty({ example: 'PKD1' }) approved_symbol: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ type: [String] }) aliases: string[];
  @ApiProperty({ type: [String] }) previous_symbols: string[];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ description: 'Number of sources with scored evidence' }) evidence_count: number;
  @ApiProperty({ description: 'Percentage score 0–100 (0 when there is none)' })
  evidence_score: number;
  @ApiProperty({ enum: EVIDENCE_TIERS }) evidence_tier: string;
  @ApiProperty({ enum: EVIDENCE_GROUPS }) evidence_group: string;
  @ApiProperty({ type: [String] }) sources: string[];
}

export class GeneResource {
  @ApiProperty({ example: 'genes' }) type: 'genes';
  @ApiProperty({ example: '1' }) id: string;
  @ApiProperty({ type: GeneAttributes }) attributes: GeneAttributes;
}

/** A gene as the JSON export writes it: the list's attributes and the per-source scores. */
export class GeneExportAttributes extends GeneAttributes {
  @ApiProperty({
    type: Object,
    description: 'Normalised score 0–1 per source (4 dp), as in the gene detail',
    example: { ClinGen: 1, PanelApp: 0.75 },
  })
  source_scores: Record<string, number>;
  @ApiProperty({ description: 'Sum of source scores' }) raw_score: number;
}

/** One element of the JSON export's array: the list's item with GeneExportAttributes. */
export class GeneExportItem {
  @ApiProperty({ example: 'genes' }) type: 'genes';
  @ApiProperty({ example: '1' }) id: string;
  @ApiProperty({ type: GeneExportAttributes }) attributes: GeneExportAttributes;
}

export class GeneDetailAttributes extends GeneAttributes {
  @ApiProperty({
    type: Object,
    description: 'Normalised score 0–1 per source (4 dp)',
    example: { ClinGen: 1, PanelApp: 0.75 },
  })
  score_breakdown: Record<string, number>;
  @ApiProperty({
    type: Object,
    description:
      'The same per-source scores as score_breakdown, under the name the original MCP sidecar reads',
    example: { ClinGen: 1, PanelApp: 0.75 },
  })
  source_scores: Record<string, number>;
  @ApiProperty({ description: 'Sum of source scores' }) raw_score: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Sources with any scored evidence, across all genes',
  })
  total_active_sources: number | null;
}

export class GeneDetailResource {
  @ApiProperty({ example: 'genes' }) type: 'genes';
  @ApiProperty() id: string;
  @ApiProperty({ type: GeneDetailAttributes }) attributes: GeneDetailAttributes;
}

export class GeneDetailResponse {
  @ApiProperty({ type: GeneDetailResource }) data: GeneDetailResource;
}

export class Links {
  @ApiProperty() self: string;
  @ApiProperty() first: string;
  @ApiProperty() last: string;
  @ApiProperty({ nullable: true, type: String }) prev: string | null;
  @ApiProperty({ nullable: true, type: String }) next: string | null;
}

export class GeneListMeta {
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() per_page: number;
  @ApiProperty() page_count: number;
  @ApiProperty({
    type: Object,
    example: {
      evidence_score: { min: 0, max: 100 },
      evidence_count: { min: 0, max: 7 },
      available_sources: ['ClinGen'],
    },
  })
  filters: Record<string, unknown>;
  @ApiProperty({ type: Object, description: 'Tier counts per group for the filtered set' })
  evidence_tiers: Record<string, Record<string, number>>;
  @ApiProperty({ type: [String] }) valid_tiers: string[];
  @ApiProperty({ type: [String] }) valid_groups: string[];
  @ApiProperty() total_genes: number;
  @ApiProperty({ description: 'Genes with score 0 left out by filter[hide_zero_scores]' })
  hidden_zero_scores: number;
}

export class GeneListResponse {
  @ApiProperty({ type: [GeneResource] }) data: GeneResource[];
  @ApiProperty({ type: GeneListMeta }) meta: GeneListMeta;
  @ApiProperty({ type: Links }) links: Links;
}

export class EvidenceAttributes {
  @ApiProperty() source_name: string;
  @ApiProperty({ nullable: true, type: String }) source_detail: string | null;
  @ApiProperty({ type: Object }) evidence_data: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) evidence_date: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'This source’s score for the gene (as in score_breakdown)',
  })
  normalized_score: number | null;
}

export class EvidenceResource {
  @ApiProperty({ example: 'evidence' }) type: 'evidence';
  @ApiProperty() id: string;
  @ApiProperty({ type: EvidenceAttributes }) attributes: EvidenceAttributes;
  @ApiProperty({ type: Object, example: { gene: { data: { type: 'genes', id: '1' } } } })
  relationships: { gene: { data: { type: 'genes'; id: string } } };
}

export class EvidenceListResponse {
  @ApiProperty({ type: [EvidenceResource] }) data: EvidenceResource[];
  @ApiProperty({ type: Object, example: { gene_symbol: 'PKD1', gene_id: 1, evidence_count: 5 } })
  meta: { gene_symbol: string; gene_id: number; evidence_count: number };
}

export class ResolveAttributes {
  @ApiProperty() hgnc_id: string;
  @ApiProperty() approved_symbol: string;
  @ApiProperty() matched_on: string;
  @ApiProperty({ enum: ['hgnc_id', 'ensembl', 'ncbi', 'uniprot', 'symbol', 'alias'] })
  match_type: string;
}

export class ResolveCandidate {
  @ApiProperty() id: string;
  @ApiProperty() hgnc_id: string;
  @ApiProperty() approved_symbol: string;
}

export class ResolveResponse {
  @ApiProperty({ nullable: true, type: Object, description: 'The gene, or null when ambiguous' })
  data: { type: 'gene'; id: string; attributes: ResolveAttributes } | null;
  @ApiProperty({ type: Object }) meta: {
    ambiguous: boolean;
    query: string;
    candidates?: ResolveCandidate[];
  };
}

export class CreateGeneResponse {
  @ApiProperty({ type: GeneResource }) data: GeneResource;
}

export class ResolveQuery {
  @ApiProperty({ description: 'HGNC id, Ensembl/NCBI/UniProt id, symbol or alias' })
  @IsString()
  @Length(1, 100)
  query: string;
}

export class AnnotatedGene {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'PKD1' }) symbol: string;
  @ApiProperty({ example: 'HGNC:9008' }) hgnc_id: string;
}

export class GeneAnnotationsResponse {
  @ApiProperty({ type: AnnotatedGene }) gene: AnnotatedGene;
  @ApiProperty() gene_id: number;
  @ApiProperty() gene_symbol: string;
  @ApiProperty({
    type: Object,
    description:
      'Per source key (the original clients’ keys: `hpo` for hpo_phenotypes), a one-element list of {source, version, data, metadata, updated_at}; `data` carries `no_data_available`, and gnomAD’s constraint figures also at its top level',
  })
  annotations: Record<string, unknown>;
}

export class GeneAnnotationSummaryResponse {
  @ApiProperty() gene_id: number;
  @ApiProperty() gene_symbol: string;
  @ApiPropertyOptional({ type: Object }) summary: Record<string, unknown>;
}

export class SymbolParam {
  @ApiProperty({ description: 'Approved symbol (any case) or HGNC id', example: 'PKD1' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,49}$/, {
    message: 'symbol must be a gene symbol or HGNC id',
  })
  symbol: string;
}

export class AnnotationsQuery {
  @ApiPropertyOptional({
    description: 'Only this annotation source (our name or the original key, e.g. `hpo`)',
    example: 'gnomad',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { message: 'source must be a lower-case source name' })
  source?: string;
}
