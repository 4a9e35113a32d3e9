import { HttpStatus } from '@nestjs/common';

import { DomainError, PayloadTooLargeError } from '../common/errors/index.js';
import { LIMIT_VARIABLES, type UploadLimitExceeded } from './upload-limits.js';

/** 413 for an upload over one of its limits; details name the limit and its variable. */
export class UploadTooLargeError extends PayloadTooLargeError {
  constructor(exceeded: UploadLimitExceeded, fileName?: string) {
    super(`${fileName ? `${fileName}: ` : ''}${exceeded.message}`, {
      limit: exceeded.limit,
      max: exceeded.max,
      variable: LIMIT_VARIABLES[exceeded.limit],
    });
  }
}

export class UnknownUploadSourceError extends DomainError {
  readonly code = 'SOURCE_NOT_FOUND';
  readonly status = HttpStatus.NOT_FOUND;
}

export class UnusableUploadError extends DomainError {
  readonly code = 'UPLOAD_UNUSABLE';
  readonly status = HttpStatus.BAD_REQUEST;
}

/**
 * 503 while every parse slot is taken and the queue behind them is full: the file is
 * let go at once instead of being held while it waits.
 */
export class UploadsBusyError extends DomainError {
  readonly code = 'UPLOADS_BUSY';
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;

  constructor(waiting: number, retryAfterSeconds: number) {
    super(
      `${waiting} uploads are already waiting to be read; retry in ${retryAfterSeconds} s`,
      { retry_after_seconds: retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}
