import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const BACKUP_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export const TRIGGER_SOURCES = ['manual_api', 'scheduled_cron', 'pre_restore_safety'] as const;

export class BackupIdParam {
  @ApiProperty({ example: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  id: number;
}

export class ListBackupsQuery {
  @ApiPropertyOptional({ default: 25, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 25;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset: number = 0;

  @ApiPropertyOptional({ enum: BACKUP_STATUSES })
  @IsOptional()
  @IsIn(BACKUP_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: TRIGGER_SOURCES })
  @IsOptional()
  @IsIn(TRIGGER_SOURCES)
  trigger_source?: string;

  @ApiPropertyOptional({ description: 'Part of the file name or description', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

export class CreateBackupRequest {
  @ApiPropertyOptional({ default: '', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ default: false, description: 'Include the rows of `system_logs`' })
  @IsOptional()
  @IsBoolean()
  include_logs?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Include the rows of `cache_entries`' })
  @IsOptional()
  @IsBoolean()
  include_cache?: boolean;

  @ApiPropertyOptional({ default: 6, minimum: 0, maximum: 9, description: '0 stores uncompressed' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(9)
  compression_level?: number;

  @ApiPropertyOptional({
    default: 2,
    minimum: 1,
    maximum: 8,
    description:
      'Recorded with the backup; both methods dump from one snapshot and restore in one transaction, which run serially',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(8)
  parallel_jobs?: number;
}

export class RestoreBackupRequest {
  @ApiPropertyOptional({ default: true, description: 'Back up the current data first' })
  @IsOptional()
  @IsBoolean()
  create_safety_backup?: boolean;

  @ApiPropertyOptional({ default: true, description: 'ANALYZE after the restore' })
  @IsOptional()
  @IsBoolean()
  run_analyze?: boolean;

  @ApiPropertyOptional({
    description:
      'Accepted for the original clients; a restore always replaces the data (in one transaction)',
  })
  @IsOptional()
  @IsBoolean()
  drop_existing?: boolean;
}

export class BackupResponse {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'backup_20260101_020000_ab12.dump' }) filename: string;
  @ApiProperty({ enum: BACKUP_STATUSES }) status: string;
  @ApiProperty({ enum: TRIGGER_SOURCES }) trigger_source: string;
  @ApiProperty({ enum: ['pg_dump', 'logical'], nullable: true, type: String })
  method: string | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() include_logs: boolean;
  @ApiProperty() include_cache: boolean;
  @ApiProperty() compression_level: number;
  @ApiProperty() parallel_jobs: number;
  @ApiProperty({ description: '0–100' }) progress: number;
  @ApiProperty({ nullable: true, type: Number }) file_size_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number }) file_size_mb: number | null;
  @ApiProperty({ nullable: true, type: String }) checksum_sha256: string | null;
  @ApiProperty({ nullable: true, type: String }) error_message: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Last applied migration' })
  schema_version: string | null;
  @ApiProperty({ nullable: true, type: String }) server_version: string | null;
  @ApiProperty({ nullable: true, type: Number }) database_size_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number }) tables_count: number | null;
  @ApiProperty({ nullable: true, type: String }) created_by: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String }) completed_at: string | null;
  @ApiProperty({ nullable: true, type: Number }) duration_seconds: number | null;
  @ApiProperty() expires_at: string;
  @ApiProperty({ nullable: true, type: String }) last_restored_at: string | null;
}

export class BackupListResponse {
  @ApiProperty({ type: [BackupResponse] }) backups: BackupResponse[];
  @ApiProperty({ description: 'All rows matching the filters' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class BackupStatsResponse {
  @ApiProperty() total_backups: number;
  @ApiProperty() completed_backups: number;
  @ApiProperty() failed_backups: number;
  @ApiProperty({ nullable: true, type: String }) latest_backup_date: string | null;
  @ApiProperty() total_size_bytes: number;
  @ApiProperty() total_size_mb: number;
  @ApiProperty() total_size_gb: number;
  @ApiProperty() retention_days: number;
  @ApiProperty() backup_directory: string;
  @ApiProperty({ enum: ['pg_dump', 'logical'], description: 'How a new backup is made' })
  method: string;
  @ApiProperty({ nullable: true, type: String, description: 'Cron of scheduled backups' })
  schedule: string | null;
}

export class RestoreResponse {
  @ApiProperty() id: number;
  @ApiProperty() backup_id: number;
  @ApiProperty({ enum: BACKUP_STATUSES }) status: string;
  @ApiProperty() create_safety_backup: boolean;
  @ApiProperty() run_analyze: boolean;
  @ApiProperty({ nullable: true, type: Number }) safety_backup_id: number | null;
  @ApiProperty({ enum: ['pg_dump', 'logical'], nullable: true, type: String })
  method: string | null;
  @ApiProperty({ nullable: true, type: String }) error_message: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String }) completed_at: string | null;
  @ApiProperty({ nullable: true, type: Number }) duration_seconds: number | null;
}

export class MessageResponse {
  @ApiProperty() message: string;
}

export class CleanupResponse {
  @ApiProperty() deleted_count: number;
  @ApiProperty({ type: [Number] }) deleted_ids: number[];
}
