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

  @ApiProperty({
    example: { server: '18.4', embedded: true, migration: 'Baseline1763700000000' },
  })
  database: { server: string; embedded: boolean; migration: string | null };
}
