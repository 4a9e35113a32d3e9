import type { IncomingMessage, ServerResponse } from 'node:http';

import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

import {
  DomainError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../common/errors/index.js';
import { writeCompletionLine } from './completion-line.js';
import {
  describeJsonShapeProblem,
  findJsonShapeProblem,
  type JsonShapeLimits,
  type JsonShapeProblem,
} from './json-shape.js';
import { elapsedMs } from './request-id.js';

/** A JSON body over one of the structure limits (depth, keys, items). */
export class BodyTooComplexError extends DomainError {
  readonly code = 'BODY_TOO_COMPLEX';
  readonly status = HttpStatus.BAD_REQUEST;

  constructor(problem: JsonShapeProblem) {
    super(describeJsonShapeProblem(problem), { limit: problem.limit, max: problem.max });
  }
}

/**
 * What the JSON parser's verify hook throws. body-parser decorates whatever it catches
 * there as an http-error, so the error handler below swaps it for the domain error.
 */
class BodyRejection extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

/**
 * body-parser's `verify` hook for JSON: runs on the raw bytes after the size limit and
 * before JSON.parse, and refuses a body whose structure exceeds `limits`.
 */
export function verifyJsonShape(limits: JsonShapeLimits) {
  return (_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string): void => {
    // Decoded as the parser will decode it, so no charset can hide brackets from the scan.
    const charset = encoding.toLowerCase();
    if (!Buffer.isEncoding(charset)) {
      throw new BodyRejection(
        new UnsupportedMediaTypeError(`JSON bodies must be UTF-8, not ${charset.slice(0, 40)}`),
      );
    }
    const problem = findJsonShapeProblem(body.toString(charset), limits);
    if (problem) {
      throw new BodyRejection(new BodyTooComplexError(problem));
    }
  };
}

interface ParserError {
  type?: unknown;
  limit?: unknown;
}

/**
 * Error middleware right after the body parsers. Their failures never reach the request
 * logger (mounted later, by its module), so this writes the request's completion line
 * once the error envelope is sent, and gives the failures their documented codes.
 */
export function bodyErrorHandler(parts: { logger: () => Logger; slowRequestMs: () => number }) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    res.once('finish', () =>
      logUnroutedCompletion(parts.logger(), req, res, parts.slowRequestMs()),
    );
    if (error instanceof BodyRejection) {
      return next(error.error);
    }
    const parser = (error ?? {}) as ParserError;
    if (parser.type === 'entity.too.large' && typeof parser.limit === 'number') {
      return next(
        new PayloadTooLargeError(`The request body is larger than ${parser.limit} bytes`, {
          limit_bytes: parser.limit,
        }),
      );
    }
    next(error);
  };
}

/**
 * The completion line the request logger would have written, for a request that ended
 * before reaching it (same fields and message, so it reads and is stored like any other).
 */
export function logUnroutedCompletion(
  logger: Logger,
  req: Request,
  res: Response,
  slowMs: number,
): void {
  // The request logger attaches `log` to requests it has seen: they get its own line.
  if ((req as { log?: unknown }).log !== undefined) {
    return;
  }
  writeCompletionLine(logger, req, res.statusCode, elapsedMs(req) ?? 0, slowMs);
}
