import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Application, NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import proxyaddr from 'proxy-addr';

import { ACCESS_KEY, type AccessPolicy } from '../auth/decorators/access.decorator.js';
import { type CacheRecord, CacheService } from '../cache/cache.service.js';
import type { RateLimitPolicyName } from '../common/rate-limit/rate-limit.decorator.js';
import {
  clientIp,
  type RateLimitCount,
  RateLimitGuard,
  rateLimitHeaders,
  routeKey,
} from '../common/rate-limit/rate-limit.guard.js';
import { AppConfig } from '../config/index.js';
import { slowRequestMs } from '../logging/logging.module.js';
import { MetricsRegistry } from '../metrics/metrics-registry.module.js';
import { writeCompletionLine } from './completion-line.js';
import {
  type JsonAnswer,
  jsonAnswer,
  plainJsonOutput,
  writeJsonAnswer,
} from './conditional-get.js';
import { HttpDrainService } from './http-drain.service.js';
import { HttpMetrics } from './http-metrics.js';
import { legacyOf } from './legacy-routes.js';
import { beginRequest, REQUEST_ID_HEADER } from './request-id.js';
import type { HeaderPair } from './security-headers.js';

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

/**
 * A public GET whose answer needs nothing but the process (liveness), answered before
 * routing: its path, the handler (of its controller) that answers it when routed, whose
 * access and rate-limit metadata apply, and the body that handler returns.
 */
export interface EdgeRoute {
  path: string;
  handler: Target;
  controller: Target;
  body: () => unknown;
}

interface FixedRoute {
  handler: Target;
  controller: Target;
  body: () => unknown;
  /** Resolved on first use (see `limitAtEdge`). */
  rateLimit?: { route: string; policy: RateLimitPolicyName } | null;
  /** The last answer, reused while `body()` gives the same JSON. */
  last?: { json: string; bytes: JsonAnswer };
}

/** What the pre-routing edge takes from the configured app, handed over by `attach`. */
export interface EdgeParts {
  /** The Express app: its trust-proxy, JSON and ETag settings. */
  app: Application;
  /** The headers helmet sets on every response, in order (the chain sets the same list). */
  securityHeaders: readonly HeaderPair[];
  /** The request logger (pino-http's), whose completion line the edge writes. */
  logger: Logger;
}

const MAX_URLS = 10_000;

/** A handler or controller, as Nest's Reflector takes them. */
export type Target = Parameters<Reflector['getAllAndOverride']>[1][number];

/**
 * Answers repeated GETs of cached public routes from the bytes of the in-memory cache
 * entry, with what the routed path would send: the request id, security headers, the
 * same rate-limit count and headers, `X-Cache: HIT`, Express's JSON content type,
 * length, ETag and 304 handling, the completion log line (and so its `system_logs`
 * row) and the duration metric.
 *
 * It only serves URLs the routed path has already answered from the cache (their route,
 * key and policy were learned there), and only while that exact cache record is fresh
 * in memory: a write, an eviction or another instance's invalidation replaces or
 * removes the record, and the next request takes the routed path. Requests with an
 * Authorization header also take it, because on public routes the access guard still
 * identifies a signed-in caller; so do requests with a body, which the routed path
 * would parse (and might reject).
 *
 * Where it runs: as the server's first request listener, before Express (`attach`),
 * when every header the middleware chain sets is known in advance, which is the case
 * unless CORS is configured (the CORS headers depend on the request's Origin). With
 * CORS it runs as the first route middleware instead, after that chain. `installHttpEdge`
 * (http-edge.ts) makes that choice.
 *
 * Every header, the request id, the completion line and the duration metric come from
 * the functions the routed chain uses (see docs/decisions/0003-http-edge.md).
 */
@Injectable()
export class ResponseFastPath {
  private readonly urls = new Map<string, LearnedRoute>();
  private readonly serialised = new WeakMap<CacheRecord, JsonAnswer>();
  private readonly fixed = new Map<string, FixedRoute>();
  private edge?: EdgeParts;
  /** The edge's security headers as the flat name/value list `writeHead` takes. */
  private securityHeaders: string[] = [];
  private trust?: (address: string, hop: number) => boolean;
  /** Responses answered here (cached and fixed routes), for the metrics endpoint. */
  served = 0;

  constructor(
    private readonly cache: CacheService,
    private readonly reflector: Reflector,
    private readonly rateLimits: RateLimitGuard,
    private readonly metrics: HttpMetrics,
    private readonly drain: HttpDrainService,
    private readonly config: AppConfig,
    registry: MetricsRegistry,
  ) {
    const served = () => this.served;
    new Counter({
      name: 'kgdb_http_fast_path_responses_total',
      help: 'Responses answered before routing: cached public GETs and liveness (also in the duration histogram)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(served());
      },
    });
  }

  /**
   * Puts the fast path in front of Express on `server`: a request it answers never
   * reaches the middleware chain; any other goes to the listeners already registered
   * (Express, the drain tracker) unchanged.
   */
  attach(server: Server, parts: EdgeParts): void {
    this.edge = parts;
    this.securityHeaders = parts.securityHeaders.flat();
    this.trust = parts.app.get('trust proxy fn') as (address: string, hop: number) => boolean;
    const listeners = server.listeners('request') as ((...args: unknown[]) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.serveAtEdgeSafely(req, res)) {
        return;
      }
      for (const listener of listeners) {
        listener.call(server, req, res);
      }
    });
  }

  /**
   * Answers a plain GET of exactly `route.path` at the edge with `route.body()`, as the
   * route's own handler would. Its rate-limit policy still counts; a route that is not
   * public, or a request with a query string or credentials, takes the routed path.
   */
  answerBeforeRouting({ path, handler, controller, body }: EdgeRoute): void {
    this.fixed.set(path, { handler, controller, body });
  }

  /** Called by the cache interceptor after a routed request was answered from the cache. */
  learn(
    req: Request,
    target: { storageKey: string; namespace: string; handler: Target; controller: Target },
  ): void {
    const pattern = (req.route as { path?: unknown } | undefined)?.path;
    if (typeof pattern !== 'string' || !plainJsonOutput(req.app)) {
      return;
    }
    if (!isPlainGet(req)) {
      return;
    }
    const { handler, controller } = target;
    const access = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_KEY, [
      handler,
      controller,
    ]);
    if (access?.kind !== 'public') {
      return;
    }
    const policy = this.rateLimits.policyOf(handler, controller);
    // Login is counted per account, read from the body: never a cached GET.
    if (policy === 'login') {
      return;
    }
    if (this.urls.size >= MAX_URLS && !this.urls.has(req.originalUrl)) {
      // Insertion order: the oldest learned URL goes first.
      const oldest = this.urls.keys().next().value;
      if (oldest !== undefined) {
        this.urls.delete(oldest);
      }
    }
    this.urls.set(req.originalUrl, {
      storageKey: target.storageKey,
      namespace: target.namespace,
      pattern,
      rateLimitRoute: routeKey(controller, handler),
      rateLimitPolicy: policy,
    });
  }

  /** True once `attach` put it before Express: then the route middleware has nothing to do. */
  get beforeExpress(): boolean {
    return this.edge !== undefined;
  }

  /** The same answer as a route middleware, after the app's middleware chain. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (this.edge || !isPlainGet(req)) {
      return next();
    }
    const found = this.lookup(req.originalUrl);
    const ip = clientIp(req);
    const count = found && this.count(found.route, ip);
    if (!found || count === false) {
      return next();
    }
    // Logs and the duration metric read the matched route, as after routing.
    (req as { route?: unknown }).route = { path: found.route.pattern };
    this.respond(req, res, found.record, count, req.app, []);
  };

  /** Runs outside Express's error handling: a failure must not escape the listener. */
  private serveAtEdgeSafely(req: IncomingMessage, res: ServerResponse): boolean {
    try {
      return this.serveAtEdge(req, res);
    } catch (error) {
      this.edge?.logger.error({ err: error, request_id: req.id }, 'response fast path failed');
      // Nothing sent yet: the routed path answers. Otherwise the response is beyond repair.
      if (!res.headersSent) {
        return false;
      }
      res.destroy();
      return true;
    }
  }

  private serveAtEdge(req: IncomingMessage, res: ServerResponse): boolean {
    const edge = this.edge!;
    if (!isPlainGet(req) || this.drain.isDraining) {
      return false;
    }
    const url = req.url ?? '';
    const fixed = this.fixed.get(url);
    if (fixed) {
      return this.serveFixed(req, res, url, fixed);
    }
    const found = this.lookup(url);
    if (!found) {
      return false;
    }
    const started = performance.now();
    const ip = (proxyaddr(req, this.trust!) as string | undefined) ?? 'unknown';
    const count = this.count(found.route, ip);
    if (count === false) {
      return false;
    }
    this.answer(req, res, { url, ip, pattern: found.route.pattern, started }, (headers) =>
      this.respond(req, res, found.record, count, edge.app, headers),
    );
    return true;
  }

  private serveFixed(
    req: IncomingMessage,
    res: ServerResponse,
    url: string,
    route: FixedRoute,
  ): boolean {
    const edge = this.edge!;
    const limit = this.limitAtEdge(route, edge.app);
    if (limit === null) {
      return false;
    }
    const started = performance.now();
    const ip = (proxyaddr(req, this.trust!) as string | undefined) ?? 'unknown';
    const count = limit && this.rateLimits.countFor(limit.policy, limit.route, ip);
    if (count?.blocked) {
      return false;
    }
    const json = JSON.stringify(route.body());
    if (route.last?.json !== json) {
      route.last = { json, bytes: jsonAnswer(json, edge.app) };
    }
    const { bytes } = route.last;
    this.answer(req, res, { url, ip, pattern: url, started }, (headers) => {
      if (count) {
        headers.push(...rateLimitHeaders(count));
      }
      return this.send(req, res, bytes, headers);
    });
    return true;
  }

  /**
   * Gives the request its id (as the chain's first middleware does), lets `write` send
   * the answer after the headers the chain would have set, then records the duration
   * metric and writes the completion line, both as the routed path does.
   */
  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    at: { url: string; ip: string; pattern: string; started: number },
    write: (headers: string[]) => number,
  ): void {
    const edge = this.edge!;
    const id = beginRequest(req, at.started);
    const status = write([REQUEST_ID_HEADER, id, ...this.securityHeaders]);
    const elapsed = performance.now() - at.started;
    this.metrics.observe('GET', at.pattern, status, elapsed / 1000);
    // What the request logger's serializers read from a routed request.
    const logged = {
      id,
      method: 'GET',
      url: at.url,
      originalUrl: at.url,
      ip: at.ip,
      headers: req.headers,
      route: { path: at.pattern },
    };
    writeCompletionLine(edge.logger, logged, status, elapsed, slowRequestMs(this.config));
  }

  /**
   * The route's rate-limit bucket (undefined: not limited), or null when only the routed
   * path may answer: the route is not public, or the app's JSON output is not the plain
   * serialisation the edge writes.
   */
  private limitAtEdge(route: FixedRoute, app: Application): FixedRoute['rateLimit'] {
    if (route.rateLimit !== undefined) {
      return route.rateLimit;
    }
    const { handler, controller } = route;
    const access = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_KEY, [
      handler,
      controller,
    ]);
    const policy = this.rateLimits.policyOf(handler, controller);
    route.rateLimit =
      access?.kind !== 'public' || policy === 'login' || !plainJsonOutput(app)
        ? null
        : policy === 'none'
          ? undefined
          : { route: routeKey(controller, handler), policy };
    return route.rateLimit;
  }

  private lookup(url: string): { route: LearnedRoute; record: CacheRecord } | undefined {
    const route = this.urls.get(url);
    const record = route && this.cache.peekFresh(route.storageKey, route.namespace);
    return record ? { route, record } : undefined;
  }

  /** Counts the request; false when the bucket is blocked (the routed path answers 429). */
  private count(route: LearnedRoute, ip: string): RateLimitCount | undefined | false {
    const count = this.rateLimits.countFor(route.rateLimitPolicy, route.rateLimitRoute, ip);
    return count?.blocked ? false : count;
  }

  /** Sends the cached bytes (or a 304) after `headers`, those set ahead of routing. */
  private respond(
    req: IncomingMessage,
    res: ServerResponse,
    record: CacheRecord,
    count: RateLimitCount | undefined,
    app: Application,
    headers: string[],
  ): number {
    if (count) {
      headers.push(...rateLimitHeaders(count));
    }
    headers.push('X-Cache', 'HIT');
    return this.send(req, res, this.bytesOf(record, app), headers);
  }

  /** Writes a JSON answer (or its 304) after `headers` and counts it. */
  private send(
    req: IncomingMessage,
    res: ServerResponse,
    answer: JsonAnswer,
    headers: string[],
  ): number {
    const status = writeJsonAnswer(req, res, answer, headers);
    this.served += 1;
    return status;
  }

  /** Serialised once per cache record, as Express's `res.json` would send it. */
  private bytesOf(record: CacheRecord, app: Application): JsonAnswer {
    let bytes = this.serialised.get(record);
    if (!bytes) {
      bytes = jsonAnswer(record.json, app);
      this.serialised.set(record, bytes);
    }
    return bytes;
  }
}

/** A GET without credentials or a body. */
function isPlainGet(req: IncomingMessage): boolean {
  const h = req.headers;
  return (
    req.method === 'GET' &&
    // A legacy alias may answer in another shape than the cached canonical body.
    legacyOf(req) === undefined &&
    h.authorization === undefined &&
    h['transfer-encoding'] === undefined &&
    (h['content-length'] === undefined || h['content-length'] === '0')
  );
}
