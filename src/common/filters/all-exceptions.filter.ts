import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';

import {
  DatabaseTimeoutError,
  DatabaseUnavailableError,
  DomainError,
  isDatabaseTimeout,
  isDatabaseUnavailable,
} from '../errors/index.js';
import { errorEnvelope } from './error-envelope.js';
import { briefCause, noteRequestFailure } from './request-failure.js';

const CODES_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  423: 'LOCKED',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  501: 'NOT_IMPLEMENTED',
  503: 'SERVICE_UNAVAILABLE',
};

interface Mapped {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers?: Readonly<Record<string, string>>;
}

function fromDomainError(exception: DomainError): Mapped {
  return {
    status: exception.status,
    code: exception.code,
    message: exception.message,
    details: exception.details,
    headers: exception.headers,
  };
}

function fromHttpException(exception: HttpException, req: Request): Mapped {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const body = typeof response === 'object' && response !== null ? response : {};
  const raw: unknown = 'message' in body ? body.message : response;
  let message = Array.isArray(raw)
    ? raw.join('; ')
    : typeof raw === 'string'
      ? raw
      : exception.message;
  let code = CODES_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR');
  // Nest's router answers unmatched paths with "Cannot <METHOD> <path>".
  if (status === 404 && /^Cannot [A-Z]+ /.test(message)) {
    code = 'ROUTE_NOT_FOUND';
    message = `No route for ${req.method} ${req.path}`;
  }
  const details = 'details' in body ? body.details : undefined;
  const headers = 'headers' in body ? (body.headers as Record<string, string>) : undefined;
  return { status, code, message, details, headers };
}

/**
 * SQLSTATE class 22 (data exception: out-of-range number, bad byte sequence, invalid
 * text for a type). Every query takes its values as parameters, so these come from input.
 */
function isInvalidInputForDatabase(error: unknown): boolean {
  const code =
    (error as { driverError?: { code?: unknown }; code?: unknown }).driverError?.code ??
    (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('22');
}

/**
 * Maps every failure (domain errors, HttpExceptions, body-parser errors, unknown
 * routes, database outages, bugs) to one JSON envelope carrying the request id.
 * Only unexpected errors are logged here; everything else is in the request log.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      throw exception;
    }
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const mapped = this.map(exception, req, res);

    if (res.headersSent) {
      res.end();
      return;
    }
    const header = res.getHeader('x-request-id');
    const requestId =
      typeof req.id === 'string' || typeof req.id === 'number'
        ? String(req.id)
        : typeof header === 'string'
          ? header
          : '';
    for (const [name, value] of Object.entries(mapped.headers ?? {})) {
      res.setHeader(name, value);
    }
    res.status(mapped.status).json(errorEnvelope(mapped, requestId));
  }

  private map(exception: unknown, req: Request, res: Response): Mapped {
    if (exception instanceof DomainError) {
      return fromDomainError(exception);
    }
    if (exception instanceof HttpException) {
      return fromHttpException(exception, req);
    }
    // An outage fails every request alike: each gets one line, its completion line (a
    // warning naming the code and the brief cause, see src/http/completion-line.ts),
    // not a second line with a stack that says nothing about the request.
    const outage = isDatabaseTimeout(exception)
      ? new DatabaseTimeoutError()
      : isDatabaseUnavailable(exception)
        ? new DatabaseUnavailableError()
        : undefined;
    if (outage) {
      noteRequestFailure(res, { code: outage.code, cause: briefCause(exception) });
      return fromDomainError(outage);
    }
    if (isInvalidInputForDatabase(exception)) {
      // A value the database cannot represent (e.g. a NUL byte) reached a query.
      return {
        status: HttpStatus.BAD_REQUEST,
        code: 'INVALID_VALUE',
        message: 'The request contains a value that cannot be processed',
      };
    }
    this.logger.error({ err: exception }, 'unhandled error');
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred',
    };
  }
}
