import { HttpStatus } from '@nestjs/common';

/**
 * Base for every error a service throws on purpose. `code` is stable and documented;
 * clients branch on it, never on `message`.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: HttpStatus;

  constructor(
    message: string,
    readonly details?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  field: string;
  messages: string[];
}

export class ValidationFailedError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = HttpStatus.BAD_REQUEST;

  constructor(problems: FieldProblem[]) {
    super(`Invalid request: ${problems.map((p) => p.field).join(', ') || 'body'}`, problems);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly status = HttpStatus.NOT_FOUND;
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = HttpStatus.PAYLOAD_TOO_LARGE;
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = HttpStatus.UNSUPPORTED_MEDIA_TYPE;
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  readonly status = HttpStatus.CONFLICT;
}

export class DatabaseUnavailableError extends DomainError {
  readonly code = 'DATABASE_UNAVAILABLE';
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;

  constructor(message = 'The database is unavailable; retry shortly') {
    super(message, undefined, { 'Retry-After': '5' });
  }
}

/** A statement timed out (statement or lock timeout, or no answer in time): retry soon. */
export class DatabaseTimeoutError extends DomainError {
  readonly code = 'DATABASE_TIMEOUT';
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;

  constructor(message = 'The database did not answer in time; retry shortly') {
    super(message, undefined, { 'Retry-After': '2' });
  }
}
