import { HttpStatus } from '@nestjs/common';

import { DomainError } from '../../common/errors/index.js';

/** An upstream answered with a status worth retrying (429, 5xx) or the request failed. */
export class UpstreamRetryableError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = 'UpstreamRetryableError';
  }
}

/**
 * The request was not sent, or was cut off, because its run was paused or cancelled: not
 * the upstream's fault, never retried, never counted as an upstream failure.
 */
export class UpstreamStoppedError extends Error {
  constructor(url: string, options?: ErrorOptions) {
    super(`${url}: stopped on request`, options);
    this.name = 'UpstreamStoppedError';
  }
}

/** The upstream cannot serve this request (retries exhausted, circuit open, 4xx). */
export class UpstreamUnavailableError extends DomainError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
  readonly status = HttpStatus.BAD_GATEWAY;

  constructor(
    message: string,
    readonly upstreamStatus: number | null = null,
  ) {
    super(message);
  }
}

/** The upstream answered, but not with what the source expects. */
export class UpstreamPayloadError extends DomainError {
  readonly code = 'UPSTREAM_PAYLOAD_INVALID';
  readonly status = HttpStatus.BAD_GATEWAY;
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) {
    return null;
  }
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return Math.round(seconds * 1000);
  }
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
