import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorBody {
  @ApiProperty({ example: 404, description: 'HTTP status, repeated for clients that lose it' })
  status: number;

  @ApiProperty({ example: 'NOT_FOUND', description: 'Stable machine-readable code' })
  code: string;

  @ApiProperty({ example: 'Gene HGNC:0 not found' })
  message: string;

  @ApiPropertyOptional({
    description: 'Field problems for VALIDATION_FAILED; check results for readiness failures',
  })
  details?: unknown;

  @ApiProperty({ example: '6f1c1c43-8ad5-4e57-9d0c-2f6a5b1b6e0e' })
  request_id: string;
}

/** The one shape every failure takes. */
export class ErrorEnvelope {
  @ApiProperty({ type: ErrorBody })
  error: ErrorBody;
}
