import {
  Injectable,
  Module,
  RequestMethod,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { ACCESS_KEY, type AccessPolicy } from '../auth/decorators/access.decorator.js';
import { RateLimitGuard, routeKey } from '../common/rate-limit/rate-limit.guard.js';
import type { RateLimitPolicyName } from '../common/rate-limit/rate-limit.decorator.js';
import type { CacheRecord } from './cache-entry.js';
import { CacheService } from './cache.service.js';

/** What the routed path learned about one exact URL of a cached public GET route. */
export interface LearnedRoute {
  /** The cache storage key the URL maps to. */
  storageKey: string;
  namespace: string;
  /** The Express route pattern (`/api/genes/:symbol`), for logs and metrics. */
  pattern: string;
  /** `<Controller>.<handler>`, the per-route part of the rate-limit key. */
  rateLimitRoute: string;
  rateLimitPolicy: RateLimitPolicyName;
}

interface Serialised {
  body: Buffer;
  etag: string | undefined;
}

const MAX_URLS = 10_000;

/** A handler or controller, as Nest's Reflector takes them. */
type Target = Parameters<Reflector['getAllAndOverride']>[1][number];

/**
 * Answers repeated GETs of cached public routes before routing, from the bytes of the
 * in-memory cache entry, with what the routed path would send: the same rate-limit
 * count and headers, `X-Cache: HIT`, Express's JSON content type, length, ETag and 304
 * handling. Runs after the request-id, metrics, helmet, CORS and request-logging
 * middleware, so those apply unchanged. It only serves URLs the routed path has
 * already answered from the cache (their route, key and policy were learned there),
 * and only while that exact cache record is fresh in memory: a write, an eviction or
 * another instance's invalidation replaces or removes the record, and the next request
 * takes the routed path. Requests with an Authorization header also take it, because
 * on public routes the access guard still identifies a signed-in caller.
 */
@Injectable()
export class ResponseFastPath implements OnApplicationBootstrap {
  private readonly urls = new Map<string, LearnedRoute>();
  private readonly serialised = new WeakMap<CacheRecord, Serialised>();
  private rateLimits?: RateLimitGuard;
  /** Responses answered here, for the metrics endpoint. */
  served = 0;

  constructor(
    private readonly cache: CacheService,
    private readonly moduleRef: ModuleRef,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    // The guard belongs to the auth module; a lookup avoids a module cycle.
    this.rateLimits = this.moduleRef.get(RateLimitGuard, { strict: false });
  }

  /** Called by the cache interceptor after a routed request was answered from the cache. */
  learn(
    req: Request,
    target: { storageKey: string; namespace: string; handler: Target; controller: Target },
  ): void {
    const pattern = (req.route as { path?: unknown } | undefined)?.path;
    if (typeof pattern !== 'string' || !canServe(req) || !this.rateLimits) return;
    const { handler, controller } = target;
    const access = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_KEY, [
      handler,
      controller,
    ]);
    if (access?.kind !== 'public') return;
    if (this.urls.size >= MAX_URLS && !this.urls.has(req.originalUrl)) {
      // Insertion order: the oldest learned URL goes first.
      const oldest = this.urls.keys().next().value;
      if (oldest !== undefined) this.urls.delete(oldest);
    }
    this.urls.set(req.originalUrl, {
      storageKey: target.storageKey,
      namespace: target.namespace,
      pattern,
      rateLimitRoute: routeKey(controller, handler),
      rateLimitPolicy: this.rateLimits.policyOf(handler, controller),
    });
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.tryServe(req, res)) next();
  };

  private tryServe(req: Request, res: Response): boolean {
    if (!canServe(req) || !this.rateLimits) return false;
    const route = this.urls.get(req.originalUrl);
    if (!route) return false;
    const record = this.cache.peekFresh(route.storageKey, route.namespace);
    if (!record) return false;
    if (!this.rateLimits.admit(route.rateLimitPolicy, route.rateLimitRoute, req, res)) {
      // Blocked: the routed path counts it again (a blocked bucket stays as it is)
      // and answers the 429 in the error envelope.
      return false;
    }
    const { body, etag } = this.bytesOf(record, req);
    // Logs and the duration metric read the matched route, as after routing.
    (req as { route?: unknown }).route = { path: route.pattern };
    res.setHeader('X-Cache', 'HIT');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', String(body.length));
    if (etag) res.setHeader('ETag', etag);
    if (req.fresh) {
      res.statusCode = 304;
      res.removeHeader('Content-Type');
      res.removeHeader('Content-Length');
      res.end();
    } else {
      res.end(body);
    }
    this.served += 1;
    return true;
  }

  /** Serialised once per cache record, as Express's `res.json` would send it. */
  private bytesOf(record: CacheRecord, req: Request): Serialised {
    let bytes = this.serialised.get(record);
    if (!bytes) {
      const body = Buffer.from(JSON.stringify(record.value), 'utf8');
      const etagFn = req.app.get('etag fn') as ((b: Buffer) => string) | undefined;
      bytes = { body, etag: typeof etagFn === 'function' ? etagFn(body) : undefined };
      this.serialised.set(record, bytes);
    }
    return bytes;
  }
}

/** Plain GETs without credentials, on an app whose JSON output is the default. */
function canServe(req: Request): boolean {
  if (req.method !== 'GET' || req.headers.authorization !== undefined) return false;
  const app = req.app;
  return (
    app.get('json replacer') === undefined &&
    app.get('json spaces') === undefined &&
    !app.get('json escape')
  );
}

/**
 * Mounts the fast path. Nest mounts the middleware of global modules (the request
 * logger's among them) before that of other modules, so this module is deliberately
 * not global: every request the fast path answers has been through the logger.
 */
@Module({})
export class ResponseFastPathModule implements NestModule {
  constructor(private readonly fastPath: ResponseFastPath) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(this.fastPath.middleware)
      .forRoutes({ path: '{/*splat}', method: RequestMethod.GET });
  }
}
