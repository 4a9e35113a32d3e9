import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorBody {
  @ApiProperty({ example: 404, description: 'HTTP status, repeated for clients that lose it' })
  status: number;

  @ApiProperty({ example: 'NOT_FOUND', description: 'Stable machine-readable code' })
  code: string;

  @ApiProperty({ example: 'Gene HGNC:0 not found' })
  message: string;

  @ApiProperty({
    example: 'Gene HGNC:0 not found',
    description:
      'The same text as `message`. The original kidney-genetics-db clients show `error.detail` ' +
      'to the user, so it is always present; new clients should read `message`.',
  })
  detail: string;

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

export interface ErrorParts {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/**
 * Builds the envelope. Every writer of an error answer (the exception filter, the HTTP
 * parser's client-error listener) goes through here, so the shape is declared once.
 */
export function errorEnvelope(parts: ErrorParts, requestId: string): ErrorEnvelope {
  const error: ErrorBody = {
    status: parts.status,
    code: parts.code,
    message: parts.message,
    detail: parts.message,
    request_id: requestId,
  };
  if (parts.details !== undefined) {
    error.details = parts.details;
  }
  return { error };
}
