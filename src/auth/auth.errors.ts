import { HttpStatus } from '@nestjs/common';

import { DomainError } from '../common/errors/index.js';

export class UnauthorizedError extends DomainError {
  readonly code: string = 'UNAUTHORIZED';
  readonly status = HttpStatus.UNAUTHORIZED;

  constructor(message = 'Authentication required', code?: string) {
    super(message, undefined, { 'WWW-Authenticate': 'Bearer' });
    if (code) {
      this.code = code;
    }
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
    if (code) {
      this.code = code;
    }
  }
}

/** A login name in its back-off after repeated failures; the same for any name. */
export class LoginThrottledError extends DomainError {
  readonly code = 'LOGIN_THROTTLED';
  readonly status = HttpStatus.TOO_MANY_REQUESTS;

  constructor(nextAttemptAt: Date) {
    const seconds = Math.max(1, Math.ceil((nextAttemptAt.getTime() - Date.now()) / 1000));
    super(
      `Too many failed logins for this name; try again in ${seconds} s`,
      { retry_after_seconds: seconds },
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
