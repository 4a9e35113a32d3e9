import type { IncomingMessage } from 'node:http';

import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import { map, type Observable } from 'rxjs';

import type { LegacyAliasOptions } from './legacy-alias.decorator.js';

/** What a request that arrived on a legacy alias remembers of it. */
export interface LegacyArrival {
  /** The path as the original client sent it. */
  path: string;
  route: Pick<LegacyAliasOptions, 'body' | 'reshape'>;
}

const LEGACY = Symbol('legacyRoute');
type LegacyRequest<R> = IncomingMessage & { [LEGACY]?: R };

/** Records on `req` the legacy alias it arrived on (the edge's rewrite does, before routing). */
export function markLegacy<R extends LegacyArrival>(req: IncomingMessage, arrival: R): void {
  (req as LegacyRequest<R>)[LEGACY] = arrival;
}

/** The legacy alias a request arrived on, if it was rewritten. */
export function legacyArrivalOf<R extends LegacyArrival = LegacyArrival>(
  req: IncomingMessage,
): R | undefined {
  return (req as LegacyRequest<R>)[LEGACY];
}

/**
 * On a request that arrived on a legacy alias: the legacy body becomes the canonical one
 * before validation, and the canonical answer takes the legacy shape. `@LegacyAlias` puts
 * it on the handlers whose aliases need either, first among their interceptors; it is not
 * global, because any interceptor makes every route pay Nest's Observable chain.
 */
@Injectable()
export class LegacyShapeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const legacy = legacyArrivalOf(req);
    if (!legacy) {
      return next.handle();
    }
    const { body, reshape } = legacy.route;
    if (body && req.body && typeof req.body === 'object' && !Array.isArray(req.body)) {
      req.body = body(req.body as Record<string, unknown>);
    }
    return reshape ? next.handle().pipe(map((data) => reshape(data))) : next.handle();
  }
}
