import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/errors/index.js';

export class UnauthorizedError extends DomainError {
  readonly code: string = 'UNAUTHORIZED';
  readonly status = HttpStatus.UNAUTHORIZED;

  constructor(message = 'Authentication required', code?: string) {
    super(message, undefined, { 'WWW-Authenticate': 'Bearer' });
    if (code) this.code = code;
  }
}

export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('Invalid username or password', 'INVALID_CREDENTIALS');
  }
}

export class ForbiddenError extends DomainError {
  readonly code: string = 'FORBIDDEN';
  readonly status = HttpStatus.FORBIDDEN;

  constructor(message: string, code?: string) {
    super(message);
    if (code) this.code = code;
  }
}

export class AccountLockedError extends DomainError {
  readonly code = 'ACCOUNT_LOCKED';
  readonly status = HttpStatus.LOCKED;

  constructor(lockedUntil: Date) {
    const seconds = Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000));
    super(
      `Account locked after too many failed logins; try again in ${Math.ceil(seconds / 60)} minute(s)`,
      { locked_until: lockedUntil.toISOString() },
      { 'Retry-After': String(seconds) },
    );
  }
}

export class WeakPasswordError extends DomainError {
  readonly code = 'WEAK_PASSWORD';
  readonly status = HttpStatus.BAD_REQUEST;

  constructor(problems: string[]) {
    super(`Password too weak: ${problems.join('; ')}`, problems);
  }
}

export class AuthConflictError extends DomainError {
  readonly status = HttpStatus.CONFLICT;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class InvalidResetTokenError extends DomainError {
  readonly code = 'INVALID_RESET_TOKEN';
  readonly status = HttpStatus.BAD_REQUEST;

  constructor() {
    super('The reset token is invalid, used or expired');
  }
}
