import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';

import { cacheKey, type CacheRecord, CacheService } from '../cache/cache.service.js';
import { plainJsonOutput } from './conditional-get.js';
import { legacyOf } from './legacy-routes.js';
import { ResponseFastPath } from './response-fast-path.js';

const CACHED_RESPONSE = 'kgdb:cached-response';

interface CachedResponseOptions {
  namespace: string;
  /** Seconds; the namespace TTL when omitted. */
  ttl?: number;
}

/**
 * Caches a public GET endpoint's JSON body, keyed by path and sorted query parameters
 * (never by the caller), with single-flight loading. Answers carry `X-Cache: HIT|MISS`,
 * or `STALE` for an expired entry served because loading a fresh body failed.
 */
export function CachedResponse(options: CachedResponseOptions): MethodDecorator {
  return applyDecorators(
    SetMetadata(CACHED_RESPONSE, options),
    UseInterceptors(HttpCacheInterceptor),
    ApiHeader({
      name: 'X-Cache',
      description:
        'HIT, MISS, or STALE (an expired entry served because loading failed; response header)',
      required: false,
    }),
  );
}

export function responseCacheKey(req: Request): { path: string; query: [string, string[]][] } {
  return responseCacheKeyOf(req.path, req.originalUrl.split('?')[1] ?? '');
}

function responseCacheKeyOf(
  path: string,
  search: string,
): { path: string; query: [string, string[]][] } {
  const params = new URLSearchParams(search);
  const grouped = new Map<string, string[]>();
  for (const [k, v] of params) {
    grouped.set(k, [...(grouped.get(k) ?? []), v]);
  }
  const query = [...grouped.entries()]
    .map(([k, vs]): [string, string[]] => [k, [...vs].sort()])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { path, query };
}

/**
 * Stores `body` as the response cache's answer to a plain GET of `url` (path and query,
 * as a client sends it), under the key and namespace the routed request uses, so that
 * request is then a HIT. For cache warmers; `body` must be what the handler returns.
 */
export async function warmCachedResponse(
  cache: CacheService,
  url: string,
  namespace: string,
  body: unknown,
): Promise<void> {
  const [path, search = ''] = url.split('?');
  await cache.set({ m: 'GET', ...responseCacheKeyOf(path, search) }, body, namespace);
}

/**
 * The stored JSON text of an object or array is the body as is when nothing after this
 * interceptor reshapes it (a legacy alias does) and Express would write exactly
 * `JSON.stringify` of the value (no replacer, spaces or escaping): the same bytes and
 * ETag as `res.json`, without parsing the text back into a value and serialising that
 * again.
 */
function sendsAsText(req: Request, json: string): boolean {
  // Nest sends only objects and arrays through `res.json`; other values (strings, null)
  // go through `res.send`, which these bytes would not match.
  const container = json.startsWith('{') || json.startsWith('[');
  return container && !legacyOf(req)?.route.reshape && plainJsonOutput(req.app);
}

/**
 * Returns `json` for Nest to send: a string body goes out through `res.send`, which keeps
 * this content type and adds the charset, exactly as `res.json` sets them.
 */
function jsonText(res: Response, json: string): string {
  res.setHeader('Content-Type', 'application/json');
  return json;
}

/**
 * What a handler returns to answer with a cache record: its stored JSON text when that is
 * exactly what `res.json` would send (see sendsAsText), else its value.
 */
export function cachedBody(req: Request, res: Response, record: CacheRecord): unknown {
  return sendsAsText(req, record.json) ? jsonText(res, record.json) : record.value;
}

@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: CacheService,
    private readonly fastPath: ResponseFastPath,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<CachedResponseOptions | undefined>(
      CACHED_RESPONSE,
      context.getHandler(),
    );
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (!options || req.method !== 'GET') {
      return next.handle();
    }
    const res = http.getResponse<Response>();
    let loaded = false;
    const key = { m: 'GET', ...responseCacheKey(req) };
    const outcome = this.cache.wrapRecord(
      key,
      () => {
        loaded = true;
        return lastValueFrom(next.handle()) as Promise<unknown>;
      },
      options.namespace,
      options.ttl,
    );
    return from(
      outcome.then(({ record, stale }) => {
        res.setHeader('X-Cache', stale ? 'STALE' : loaded ? 'MISS' : 'HIT');
        // The next request for this URL may be answered before routing (see ResponseFastPath).
        this.fastPath.learn(req, {
          storageKey: cacheKey(key, options.namespace).storage,
          namespace: options.namespace,
          handler: context.getHandler(),
          controller: context.getClass(),
        });
        return cachedBody(req, res, record);
      }),
    );
  }
}
