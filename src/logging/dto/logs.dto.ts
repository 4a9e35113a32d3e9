import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDate,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';

import { toList } from '../../common/dto/query-transforms.js';

export const STORED_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type StoredLevel = (typeof STORED_LEVELS)[number];

/** The original's level names (upper case, WARNING, CRITICAL) → the stored ones. */
const LEVEL_SYNONYMS: Record<string, StoredLevel> = { warning: 'warn', critical: 'fatal' };
const toLevels = ({ value }: { value: unknown }): unknown => {
  const list = toList({ value });
  return Array.isArray(list)
    ? (list as unknown[]).map((l) =>
        typeof l === 'string' ? (LEVEL_SYNONYMS[l.toLowerCase()] ?? l.toLowerCase()) : l,
      )
    : list;
};

/** Columns a listing may be ordered by (the original Log viewer's sortable columns). */
export const LOG_SORT_COLUMNS = [
  'timestamp',
  'level',
  'method',
  'path',
  'status_code',
  'duration_ms',
  'message',
  'logger',
] as const;
export type LogSortColumn = (typeof LOG_SORT_COLUMNS)[number];

export class ListLogsQuery {
  @ApiPropertyOptional({
    description:
      'One or several levels, comma-separated, any case; `WARNING` and `CRITICAL` (the original’s names) mean warn and fatal',
    example: 'error,warn',
  })
  @IsOptional()
  @Transform(toLevels)
  @ArrayMaxSize(6)
  @IsIn(STORED_LEVELS, { each: true })
  level?: StoredLevel[];

  @ApiPropertyOptional({ example: 'AuthService' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  logger?: string;

  @ApiPropertyOptional({
    description: 'Case-insensitive text in the logger name (the original’s name for it)',
    example: 'auth',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  request_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  user_id?: number;

  @ApiPropertyOptional({ description: 'Exact path or prefix ending in *', example: '/api/genes*' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  path?: string;

  @ApiPropertyOptional({ minimum: 100, maximum: 599 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(599)
  status_min?: number;

  @ApiPropertyOptional({ minimum: 100, maximum: 599 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(599)
  status_max?: number;

  @ApiPropertyOptional({ description: 'Case-insensitive text in the message' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Same as `from` (the original’s name)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  start_time?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Same as `to` (the original’s name)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  end_time?: Date;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc' })
  @IsOptional()
  @IsIn(['desc', 'asc'])
  sort: 'desc' | 'asc' = 'desc';

  @ApiPropertyOptional({
    enum: LOG_SORT_COLUMNS,
    default: 'timestamp',
    description: 'Column to order by; `cursor` paging needs `timestamp`',
  })
  @IsOptional()
  @IsIn(LOG_SORT_COLUMNS)
  sort_by?: LogSortColumn;

  @ApiPropertyOptional({
    enum: ['desc', 'asc'],
    description: 'Same as `sort` (the original’s name)',
  })
  @IsOptional()
  @IsIn(['desc', 'asc'])
  sort_order?: 'desc' | 'asc';

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 10000,
    default: 50,
    description: 'Up to 10000, which the original Log viewer’s export asks for',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit: number = 50;

  @ApiPropertyOptional({ minimum: 0, description: 'Offset pagination (ignored with cursor)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page (keyset pagination)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;
}

export class LogRecord {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) timestamp: string;
  @ApiProperty() level: string;
  @ApiProperty({ nullable: true, type: String }) logger: string | null;
  @ApiProperty() message: string;
  @ApiProperty({ nullable: true, type: String }) request_id: string | null;
  @ApiProperty({ nullable: true, type: Number }) user_id: number | null;
  @ApiProperty({ nullable: true, type: String }) run_id: string | null;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ nullable: true, type: String }) user_agent: string | null;
  @ApiProperty({ nullable: true, type: String }) method: string | null;
  @ApiProperty({ nullable: true, type: String }) path: string | null;
  @ApiProperty({ nullable: true, type: Number }) status_code: number | null;
  @ApiProperty({ nullable: true, type: Number }) duration_ms: number | null;
  @ApiProperty({ nullable: true, type: String }) error_type: string | null;
  @ApiProperty({ nullable: true, type: String }) error_message: string | null;
  @ApiProperty({ nullable: true, type: String }) stack: string | null;
  @ApiProperty({ type: Object }) context: Record<string, unknown>;
}

export class LogListMeta {
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiPropertyOptional() offset?: number;
  @ApiProperty({ nullable: true, type: String }) next_cursor: string | null;
}

/** A record as the original Log viewer reads it (its field names, upper-case level). */
export class LegacyLogRecord {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) timestamp: string;
  @ApiProperty({ example: 'WARNING' }) level: string;
  @ApiProperty({ nullable: true, type: String, description: 'The logger' }) source: string | null;
  @ApiProperty() message: string;
  @ApiProperty({ nullable: true, type: String }) method: string | null;
  @ApiProperty({ nullable: true, type: String }) path: string | null;
  @ApiProperty({ nullable: true, type: Number }) status_code: number | null;
  @ApiProperty({ nullable: true, type: Number }) duration_ms: number | null;
  @ApiProperty({ nullable: true, type: String }) request_id: string | null;
  @ApiProperty({ nullable: true, type: Number }) user_id: number | null;
  @ApiProperty({ nullable: true, type: String }) ip_address: string | null;
  @ApiProperty({ nullable: true, type: String }) user_agent: string | null;
  @ApiProperty({ nullable: true, type: String }) error_type: string | null;
  @ApiProperty({ nullable: true, type: String }) error_message: string | null;
  @ApiProperty({ nullable: true, type: String }) stack_trace: string | null;
  @ApiProperty({ type: Object }) context: Record<string, unknown>;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: 'Always null: request bodies are never stored (they carry passwords)',
  })
  request_body: null;
  @ApiProperty({ nullable: true, type: Object, description: 'Always null: not stored' })
  query_params: null;
  @ApiProperty({ nullable: true, type: Object, description: 'Always null: not stored' })
  headers: null;
  @ApiProperty({ type: Object, example: { ip_address: '127.0.0.1', user_agent: 'curl/8' } })
  client_info: { ip_address: string | null; user_agent: string | null };
}

export class LegacyPagination {
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty() has_more: boolean;
}

export class LogListResponse {
  @ApiProperty({ type: [LogRecord] }) data: LogRecord[];
  @ApiProperty({ type: LogListMeta }) meta: LogListMeta;
  @ApiProperty({
    type: [LegacyLogRecord],
    description: 'The same records in the original Log viewer’s shape (it reads this list)',
  })
  logs: LegacyLogRecord[];
  @ApiProperty({ type: LegacyPagination, description: 'What the original Log viewer reads' })
  pagination: LegacyPagination;
}

export class StatisticsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 720, default: 24 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(720)
  hours: number = 24;
}

export class LoggerCount {
  @ApiProperty() logger: string;
  @ApiProperty() count: number;
}

export class TimelineBucket {
  @ApiProperty({ format: 'date-time' }) hour: string;
  @ApiProperty() total: number;
  @ApiProperty() errors: number;
  @ApiProperty() error_rate: number;
}

export class LogStatisticsResponse {
  @ApiProperty() hours: number;
  @ApiProperty() total: number;
  @ApiProperty({ type: Object, example: { info: 120, warn: 3, error: 1 } }) by_level: Record<
    string,
    number
  >;
  @ApiProperty({ type: [LoggerCount] }) top_loggers: LoggerCount[];
  @ApiProperty({ type: [TimelineBucket] }) timeline: TimelineBucket[];
  @ApiProperty({ type: Object, example: { rows: 12000, bytes: 4194304 } }) table: {
    rows: number;
    bytes: number;
  };
  @ApiProperty({ type: Object, description: 'Writer of this process: buffered, written, dropped' })
  writer: Record<string, number | boolean>;
  @ApiProperty({
    type: Object,
    description: 'The table figures as the original Log viewer reads them (size as text)',
    example: { total_rows: 12000, table_size: '4.0 MB' },
  })
  storage: { total_rows: number; table_size: string };
  @ApiProperty({
    type: [Object],
    description: 'Counts by level in the original’s names (it reads ERROR and WARNING)',
    example: [{ level: 'ERROR', count: 1 }],
  })
  level_distribution: { level: string; count: number }[];
}

export class CleanupQuery {
  @ApiProperty({
    minimum: 0,
    maximum: 3650,
    description: 'Delete rows older than this many days; 0 deletes every row',
  })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  days: number;
}

export class CleanupLogsResponse {
  @ApiProperty() deleted: number;
  @ApiProperty({ description: 'Same as `deleted` (the original’s name, which its clients read)' })
  logs_deleted: number;
}

function MaxJsonSize(bytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxJsonSize',
      validator: {
        validate: (value: unknown) => {
          try {
            return Buffer.byteLength(JSON.stringify(value) ?? '') <= bytes;
          } catch {
            return false;
          }
        },
        defaultMessage: () => `$property must be at most ${bytes} bytes as JSON`,
      },
    },
    options,
  );
}

export class ClientLogRequest {
  @ApiProperty({ enum: ['error', 'warn', 'info'] })
  @IsIn(['error', 'warn', 'info'])
  level: 'error' | 'warn' | 'info';

  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  message: string;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  stack?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  user_agent?: string;

  @ApiPropertyOptional({ type: Object, description: 'Free-form, at most 8 KB as JSON' })
  @IsOptional()
  @IsObject()
  @MaxJsonSize(8192)
  context?: Record<string, unknown>;
}

export class AcceptedResponse {
  @ApiProperty() accepted: boolean;
}
