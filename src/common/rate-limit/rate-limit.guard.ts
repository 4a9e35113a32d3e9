import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';

import { AppConfig } from '../../config/index.js';
import { DomainError } from '../errors/index.js';
import { RATE_LIMIT_KEY, type RateLimitPolicyName } from './rate-limit.decorator.js';
import { RateLimitStore } from './rate-limit.store.js';

class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly status = HttpStatus.TOO_MANY_REQUESTS;
}

interface Bucket {
  limit: number;
  windowMs: number;
  blockMs: number;
  /** The bucket of one request: e.g. the route, the client address and, for login, the account. */
  key: (route: string, ip: string, req: Request | undefined) => string;
}

/**
 * A request passes when every bucket of its policy has room. Buckets are counted in order
 * and counting stops at the first that refuses, so traffic refused by a narrow bucket
 * (one IP) never uses up a wide one (the whole instance).
 */
type Policy = Bucket[];

/** One request counted against a policy: what the X-RateLimit headers report. */
export interface RateLimitCount {
  blocked: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

type ReflectTarget = Parameters<Reflector['getAllAndOverride']>[1][number];

const MINUTE = 60_000;

interface RouteLimit {
  policy: RateLimitPolicyName;
  /** `<Controller>.<handler>` (routeKey). */
  route: string;
}

/** The X-RateLimit headers reporting a count, as a flat name/value list. */
export function rateLimitHeaders(count: RateLimitCount): string[] {
  return [
    'X-RateLimit-Limit',
    String(count.limit),
    'X-RateLimit-Remaining',
    String(count.remaining),
    'X-RateLimit-Reset',
    String(count.resetSeconds),
  ];
}

/** The per-route part of a rate-limit key: `<Controller>.<handler>`. */
export function routeKey(controller: { name: string }, handler: { name: string }): string {
  return `${controller.name}.${handler.name}`;
}
const HOUR = 60 * MINUTE;

/** The client address a routed request is counted under (Express's `req.ip`). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function account(req: Request | undefined): string {
  const username = (req?.body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' ? username.trim().toLowerCase() : '';
}

/**
 * Inbound rate limits: a default per client and route, stricter configured limits for
 * login (per IP and account, per IP, and for the whole instance) and forgotten-password
 * (per IP; reset mails per account are limited by the auth service). Over the limit: 429 with
 * Retry-After, in the error envelope.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly store = new RateLimitStore();
  private readonly policies: Record<Exclude<RateLimitPolicyName, 'none'>, Policy>;
  private readonly sweeper: NodeJS.Timeout;
  private readonly routes = new WeakMap<object, Map<object, RouteLimit>>();

  constructor(
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    const limits = config.rateLimits;
    this.policies = {
      default: [
        { limit: limits.perMinute, windowMs: MINUTE, blockMs: 0, key: (r, ip) => `${r}|${ip}` },
      ],
      login: [
        {
          limit: limits.loginPerMinute,
          windowMs: MINUTE,
          blockMs: MINUTE,
          key: (route, ip, req) => `${route}|${ip}|${account(req)}`,
        },
        {
          limit: limits.loginPerIpPerMinute,
          windowMs: MINUTE,
          blockMs: MINUTE,
          key: (route, ip) => `${route}|ip|${ip}`,
        },
        {
          limit: limits.loginGlobalPerMinute,
          windowMs: MINUTE,
          blockMs: 0,
          key: (route) => `${route}|all`,
        },
      ],
      'client-logs': [
        { limit: 60, windowMs: MINUTE, blockMs: MINUTE, key: (r, ip) => `${r}|${ip}` },
      ],
      'forgot-password': [
        {
          limit: limits.forgotPasswordPerHour,
          windowMs: HOUR,
          blockMs: HOUR,
          key: (route, ip) => `${route}|${ip}`,
        },
      ],
    };
    this.sweeper = setInterval(() => this.store.sweep(), MINUTE).unref();
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') {
      return true;
    }
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const { policy, route } = this.routeOf(context);
    const hit = this.count(policy, route, clientIp(req), req);
    if (!hit) {
      return true;
    }
    const res = http.getResponse<Response>();
    const headers = rateLimitHeaders(hit);
    for (let i = 0; i < headers.length; i += 2) {
      res.setHeader(headers[i], headers[i + 1]);
    }
    if (hit.blocked) {
      throw new RateLimitedError(`Too many requests; retry in ${hit.resetSeconds} s`, undefined, {
        'Retry-After': String(hit.resetSeconds),
      });
    }
    return true;
  }

  /**
   * A route's policy and rate-limit key, looked up once per controller and handler (a
   * handler a base class declares is shared by its controllers): both are fixed at build.
   */
  private routeOf(context: ExecutionContext): RouteLimit {
    const [handler, controller] = [context.getHandler(), context.getClass()];
    let byHandler = this.routes.get(controller);
    if (!byHandler) {
      byHandler = new Map();
      this.routes.set(controller, byHandler);
    }
    let found = byHandler.get(handler);
    if (!found) {
      found = { policy: this.policyOf(handler, controller), route: routeKey(controller, handler) };
      byHandler.set(handler, found);
    }
    return found;
  }

  /** The policy a handler runs under ('default' unless decorated). */
  policyOf(handler: ReflectTarget, controller: ReflectTarget): RateLimitPolicyName {
    return (
      this.reflector.getAllAndOverride<RateLimitPolicyName | undefined>(RATE_LIMIT_KEY, [
        handler,
        controller,
      ]) ?? 'default'
    );
  }

  /**
   * Counts one request against `policy` for `route` from the client at `ip`, exactly as
   * the guard does, and returns what its X-RateLimit headers report; for the HTTP fast
   * path, which answers without routing (and lets the guard produce any 429). Policies
   * keyed by request content (login) need the request and are not counted here.
   */
  countFor(policy: RateLimitPolicyName, route: string, ip: string): RateLimitCount | undefined {
    return policy === 'login' ? undefined : this.count(policy, route, ip, undefined);
  }

  private count(
    name: RateLimitPolicyName,
    route: string,
    ip: string,
    req: Request | undefined,
  ): RateLimitCount | undefined {
    if (name === 'none') {
      return undefined;
    }
    let report: RateLimitCount | undefined;
    for (const bucket of this.policies[name]) {
      const hit = this.store.hit(
        bucket.key(route, ip, req),
        bucket.limit,
        bucket.windowMs,
        bucket.blockMs,
      );
      const count: RateLimitCount = {
        blocked: hit.blocked,
        limit: bucket.limit,
        remaining: Math.max(0, bucket.limit - hit.count),
        resetSeconds: Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000)),
      };
      if (count.blocked) {
        return count;
      }
      // The headers report the bucket closest to refusing.
      if (!report || count.remaining < report.remaining) {
        report = count;
      }
    }
    return report;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
