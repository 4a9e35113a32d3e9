import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export class SettingKeyParam {
  @ApiProperty({
    example: 'cache.default_ttl_seconds',
    description: 'The setting’s key, or its numeric `id` (how the original clients address it)',
  })
  @IsString()
  @MaxLength(100)
  @Matches(/^(?:[a-z][a-z0-9_.]*|[1-9][0-9]{0,8})$/, {
    message: 'key must be a setting key (a-z, 0-9, _ and .) or a numeric id',
  })
  key: string;
}

export class ListSettingsQuery {
  @ApiPropertyOptional({ example: 'cache', description: 'Only this category' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,49}$/, { message: 'category must be a category name' })
  category?: string;

  @ApiPropertyOptional({ default: 500, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 500;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  offset: number = 0;
}

export class AuditQuery {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}

export class UpdateSettingRequest {
  @ApiProperty({
    description: 'New value of the setting’s type (string, number, boolean or JSON)',
    example: 600,
  })
  @IsDefined()
  value: unknown;

  @ApiPropertyOptional({ description: 'Why; kept in the audit trail', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 500,
    description: 'Same as `reason` (the original clients’ name; they send null for none)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  change_reason?: string | null;
}

export class HistoryQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

export class SettingResponse {
  @ApiProperty({ example: 1, description: 'Fixed number of the setting; never reused' })
  id: number;
  @ApiProperty({ example: 'cache.default_ttl_seconds' }) key: string;
  @ApiProperty({ description: 'Value in effect; sensitive values are masked' }) value: unknown;
  @ApiProperty({ enum: ['string', 'number', 'boolean', 'json'] }) value_type: string;
  @ApiProperty({ example: 'cache' }) category: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'From the environment; masked when sensitive' })
  default_value: unknown;
  @ApiProperty({ description: 'No operator value set: the default is in effect' })
  is_default: boolean;
  @ApiProperty() requires_restart: boolean;
  @ApiProperty() sensitive: boolean;
  @ApiProperty({ description: 'Same as `sensitive` (the original’s name)' }) is_sensitive: boolean;
  @ApiProperty() read_only: boolean;
  @ApiProperty({ description: 'Same as `read_only` (the original’s name)' }) is_readonly: boolean;
  @ApiProperty({ type: Object }) validation: Record<string, unknown>;
  @ApiProperty({ type: Number, nullable: true }) updated_by_id: number | null;
  @ApiProperty() updated_at: string;
}

export class SettingsResponse {
  @ApiProperty({ type: [SettingResponse] }) settings: SettingResponse[];
  @ApiProperty({
    type: Object,
    description: 'The same settings grouped by category',
    example: { cache: [] },
  })
  grouped: Record<string, SettingResponse[]>;
  @ApiProperty({ description: 'Settings matching the filter, before limit and offset' })
  total: number;
}

export class UpdatedSettingResponse extends SettingResponse {
  @ApiProperty({
    type: () => SettingResponse,
    description: 'The same setting, nested, as the original Settings page reads it',
  })
  setting: SettingResponse;
}

export class SettingCategoryCount {
  @ApiProperty({ example: 'cache' }) name: string;
  @ApiProperty() count: number;
}

export class SettingCategoriesResponse {
  @ApiProperty({ type: [SettingCategoryCount] }) categories: SettingCategoryCount[];
}

export class SettingsStatsResponse {
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Settings that need a restart to take effect' })
  requires_restart: number;
  @ApiProperty() read_only: number;
  @ApiProperty() sensitive: number;
  @ApiProperty({ description: 'Settings with an operator’s value (not the default)' })
  customised: number;
  @ApiProperty({ description: 'Changes in the last 24 hours' }) recent_changes_24h: number;
  @ApiProperty({ type: Object, example: { cache: 4 } }) by_category: Record<string, number>;
}

export class SettingChangeResponse {
  @ApiProperty() id: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The setting’s id' })
  setting_id: number | null;
  @ApiProperty() key: string;
  @ApiProperty({ description: 'Masked when sensitive' }) old_value: unknown;
  @ApiProperty({ description: 'Masked when sensitive' }) new_value: unknown;
  @ApiProperty() changed_by: string;
  @ApiProperty({ type: Number, nullable: true }) changed_by_id: number | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Same as `reason` (the original’s name)',
  })
  change_reason: string | null;
  @ApiProperty({ type: String, nullable: true }) ip_address: string | null;
  @ApiProperty() changed_at: string;
}

export class SettingHistoryResponse {
  @ApiProperty({ type: [SettingChangeResponse] }) history: SettingChangeResponse[];
  @ApiProperty({ description: 'Rows in `history`' }) total: number;
}
