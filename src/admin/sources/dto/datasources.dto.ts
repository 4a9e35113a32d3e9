import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class UpstreamDomainHealth {
  @ApiProperty({ example: 'ncbi.nlm.nih.gov', description: 'Rate-limit group of the host' })
  domain: string;
  @ApiProperty({ example: 'closed', enum: ['closed', 'open', 'half-open', 'isolated'] })
  circuit: string;
  @ApiProperty({ description: 'Requests since this instance started' }) requests: number;
  @ApiProperty({ description: 'Failed attempts since this instance started' }) failures: number;
  @ApiProperty({ description: 'failures / requests on this instance', example: 0.01 })
  error_rate: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Configured requests per second' })
  per_second: number | null;
}

export class AdminDataSource {
  @ApiProperty({ example: 'ClinGen' }) name: string;
  @ApiProperty() display_name: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['evidence', 'annotation', 'upload', 'internal'] }) category: string;
  @ApiProperty({ example: 'active' }) status: string;
  @ApiProperty({ description: 'False for an orphan: no code defines it any more' })
  defined: boolean;
  @ApiProperty({ type: String, nullable: true }) url: string | null;
  @ApiProperty({ type: Object, description: 'Configuration in effect, secrets masked' })
  config: Record<string, unknown>;
  @ApiProperty({ type: Object, nullable: true, description: 'Latest pipeline run of the source' })
  last_run: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) active_run_id: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Next scheduled run (PIPELINE_SCHEDULES), ISO time',
  })
  next_run_at: string | null;
  @ApiProperty({ type: [UpstreamDomainHealth] }) upstream: UpstreamDomainHealth[];
}

export class AdminDataSourcesResponse {
  @ApiProperty({ type: [AdminDataSource] }) sources: AdminDataSource[];
}

export class OrphanSource {
  @ApiProperty({ example: 'annotation_pipeline' }) name: string;
  @ApiProperty() display_name: string;
  @ApiProperty() category: string;
  @ApiProperty() status: string;
  @ApiProperty({ description: 'Evidence rows still stored under the name' })
  evidence_count: number;
  @ApiProperty({ type: String, nullable: true, description: 'Latest write, run or change' })
  last_activity: string | null;
}

export class OrphansResponse {
  @ApiProperty({ type: [OrphanSource] }) orphans: OrphanSource[];
}

export class OrphanNameParam {
  @ApiProperty({ example: 'annotation_pipeline' })
  @IsString()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9_.-]+$/)
  name: string;
}
