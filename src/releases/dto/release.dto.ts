import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { RELEASE_FORMATS, type ReleaseFormat } from '../release-files.js';

const CALVER_INPUT = /^\d{4}\.\d{1,2}$/;
const CALVER_MESSAGE = 'version must be CalVer YYYY.M or YYYY.MM, e.g. 2025.10';

/** A page of releases or of a release's genes: up to 1,000 at a time. */
export class ReleasePageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset: number = 0;
}

export class ListReleasesQuery extends ReleasePageQuery {
  @ApiPropertyOptional({
    enum: ['draft', 'published'],
    description: 'Drafts are listed to curators and admins only',
  })
  @IsOptional()
  @IsIn(['draft', 'published'])
  status?: 'draft' | 'published';
}

/** The new release: in the body, or (as the original's admin page sends it) the query. */
export class CreateReleaseRequest {
  @ApiPropertyOptional({ example: '2025.10', description: 'CalVer YYYY.M or YYYY.MM; required' })
  @IsOptional()
  @IsString()
  @Matches(CALVER_INPUT, { message: CALVER_MESSAGE })
  version?: string;

  @ApiPropertyOptional({ maxLength: 10_000 })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  release_notes?: string;
}

export class UpdateReleaseRequest extends CreateReleaseRequest {}

export class ReleaseIdParam {
  @ApiProperty({ example: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  id: number;
}

export class ReleaseRefParam {
  @ApiProperty({ example: '2025.10', description: 'CalVer version (or numeric id)' })
  @IsString()
  @MaxLength(20)
  version: string;
}

export class ReleaseDiffParams {
  @ApiProperty({ example: '2025.9', description: 'the older release' })
  @IsString()
  @MaxLength(20)
  from: string;

  @ApiProperty({ example: '2025.10', description: 'the newer release' })
  @IsString()
  @MaxLength(20)
  to: string;
}

export class ExportQuery {
  @ApiPropertyOptional({ enum: RELEASE_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(RELEASE_FORMATS)
  format: ReleaseFormat = 'json';
}

export class CitationQuery {
  @ApiPropertyOptional({ enum: ['cff', 'datacite', 'text'], default: 'cff' })
  @IsOptional()
  @IsIn(['cff', 'datacite', 'text'])
  format: 'cff' | 'datacite' | 'text' = 'cff';
}

export class DiffQuery {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 10_000,
    default: 1000,
    description: 'Most genes listed per change kind; the counts are always complete',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  limit: number = 1000;
}

export class ReleaseFileResponse {
  @ApiProperty({ enum: RELEASE_FORMATS }) format: string;
  @ApiProperty({ example: 'kidney-genetics-db_2025.10.json' }) file_name: string;
  @ApiProperty() content_type: string;
  @ApiProperty({ description: 'bytes' }) size: number;
  @ApiProperty({ description: 'SHA-256 of the bytes, hex' }) sha256: string;
  @ApiProperty({ example: '/api/releases/2025.10/export?format=json' }) url: string;
}

export class SourceAtPublishResponse {
  @ApiProperty() name: string;
  @ApiProperty() category: string;
  @ApiProperty({ nullable: true, type: String }) last_updated_at: string | null;
  @ApiProperty({ nullable: true, type: String }) last_run_at: string | null;
  @ApiProperty({ type: [String] }) versions: string[];
  @ApiProperty({ description: 'genes with evidence or annotations from the source' })
  genes: number;
}

/** A release as the original's clients read it (no server paths), with our additions. */
export class ReleaseResponse {
  @ApiProperty() id: number;
  @ApiProperty({ example: '2025.10' }) version: string;
  @ApiProperty({ enum: ['draft', 'published'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) release_notes: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the publish date' })
  release_date: string | null;
  @ApiProperty({ nullable: true, type: String }) published_at: string | null;
  @ApiProperty({ nullable: true, type: Number }) published_by_id: number | null;
  @ApiProperty({ nullable: true, type: String }) published_by: string | null;
  @ApiProperty({ nullable: true, type: Number }) gene_count: number | null;
  @ApiProperty({ nullable: true, type: Number }) total_evidence_count: number | null;
  @ApiProperty({ nullable: true, type: Number }) annotation_count: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the JSON export' })
  export_checksum: string | null;
  @ApiProperty({ nullable: true, type: String }) doi: string | null;
  @ApiProperty({
    nullable: true,
    enum: ['pending', 'deposited', 'failed'],
    description: 'the Zenodo deposit; null when none is configured',
  })
  doi_status: string | null;
  @ApiProperty({ nullable: true, type: String }) doi_error: string | null;
  @ApiProperty({ nullable: true, type: String }) citation_text: string | null;
  @ApiProperty({ type: [SourceAtPublishResponse] }) sources: SourceAtPublishResponse[];
  @ApiProperty({ type: [ReleaseFileResponse] }) files: ReleaseFileResponse[];
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class ReleaseListMeta {
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class ReleaseListResponse {
  @ApiProperty({ type: [ReleaseResponse] }) data: ReleaseResponse[];
  @ApiProperty() meta: ReleaseListMeta;
}

export class ReleaseGeneResponse {
  @ApiProperty() hgnc_id: string;
  @ApiProperty() approved_symbol: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ type: [String] }) aliases: string[];
  @ApiProperty() raw_score: number;
  @ApiProperty() percentage_score: number;
  @ApiProperty() evidence_tier: string;
  @ApiProperty() evidence_group: string;
  @ApiProperty() source_count: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } })
  source_scores: Record<string, number>;
}

export class ReleaseGenesData {
  @ApiProperty() version: string;
  @ApiProperty() release_date: string;
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty({ type: [ReleaseGeneResponse] }) genes: ReleaseGeneResponse[];
}

export class ReleaseGenesResponse {
  @ApiProperty() data: ReleaseGenesData;
  @ApiProperty() meta: ReleaseListMeta;
}

export class ChangedGeneResponse extends ReleaseGeneResponse {
  @ApiProperty() from_approved_symbol: string;
  @ApiProperty() from_evidence_tier: string;
  @ApiProperty() from_percentage_score: number;
}

export class ReleaseDiffCounts {
  @ApiProperty() added: number;
  @ApiProperty() removed: number;
  @ApiProperty({ description: 'tier or percentage score changed' }) changed: number;
  @ApiProperty() unchanged: number;
}

export class ReleaseDiffData {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty() counts: ReleaseDiffCounts;
  @ApiProperty({ type: [ReleaseGeneResponse] }) added: ReleaseGeneResponse[];
  @ApiProperty({ type: [ReleaseGeneResponse] }) removed: ReleaseGeneResponse[];
  @ApiProperty({ type: [ChangedGeneResponse] }) changed: ChangedGeneResponse[];
  @ApiProperty({ description: 'true when a list holds fewer genes than its count' })
  truncated: boolean;
}

export class ReleaseDiffResponse {
  @ApiProperty() data: ReleaseDiffData;
}

export class MessageResponse {
  @ApiProperty() message: string;
}
