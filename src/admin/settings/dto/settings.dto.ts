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
  @ApiProperty({ example: 'cache.default_ttl_seconds' })
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z][a-z0-9_.]*$/)
  key: string;
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
  @ApiProperty() read_only: boolean;
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
}

export class SettingChangeResponse {
  @ApiProperty() id: number;
  @ApiProperty() key: string;
  @ApiProperty({ description: 'Masked when sensitive' }) old_value: unknown;
  @ApiProperty({ description: 'Masked when sensitive' }) new_value: unknown;
  @ApiProperty() changed_by: string;
  @ApiProperty({ type: Number, nullable: true }) changed_by_id: number | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: String, nullable: true }) ip_address: string | null;
  @ApiProperty() changed_at: string;
}

export class SettingHistoryResponse {
  @ApiProperty({ type: [SettingChangeResponse] }) history: SettingChangeResponse[];
}
