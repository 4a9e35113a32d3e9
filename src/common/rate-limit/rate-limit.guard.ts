import {
  HttpStatus,
  Injectable,
  type CanActivate,
  type ExecutionContext,
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

interface Policy {
  limit: number;
  windowMs: number;
  blockMs: number;
  key: (req: Request, route: string) => string;
}

type ReflectTarget = Parameters<Reflector['getAllAndOverride']>[1][number];

const MINUTE = 60_000;

/** The per-route part of a rate-limit key: `<Controller>.<handler>`. */
export function routeKey(controller: { name: string }, handler: { name: string }): string {
  return `${controller.name}.${handler.name}`;
}
const HOUR = 60 * MINUTE;

function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function account(req: Request): string {
  const username = (req.body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' ? username.trim().toLowerCase() : '';
}

/**
 * Inbound rate limits: a default per client and route, stricter configured limits for
 * login (per IP and account) and forgotten-password (per IP). Over the limit: 429 with
 * Retry-After, in the error envelope.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly store = new RateLimitStore();
  private readonly policies: Record<Exclude<RateLimitPolicyName, 'none'>, Policy>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    const limits = config.rateLimits;
    this.policies = {
      default: {
        limit: limits.perMinute,
        windowMs: MINUTE,
        blockMs: 0,
        key: (req, route) => `${route}|${clientIp(req)}`,
      },
      login: {
        limit: limits.loginPerMinute,
        windowMs: MINUTE,
        blockMs: MINUTE,
        key: (req, route) => `${route}|${clientIp(req)}|${account(req)}`,
      },
      'client-logs': {
        limit: 60,
        windowMs: MINUTE,
        blockMs: MINUTE,
        key: (req, route) => `${route}|${clientIp(req)}`,
      },
      'forgot-password': {
        limit: limits.forgotPasswordPerHour,
        windowMs: HOUR,
        blockMs: HOUR,
        key: (req, route) => `${route}|${clientIp(req)}`,
      },
    };
    this.sweeper = setInterval(() => this.store.sweep(), MINUTE).unref();
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const policy = this.policyOf(context.getHandler(), context.getClass());
    const route = routeKey(context.getClass(), context.getHandler());
    const hit = this.count(policy, route, http.getRequest<Request>(), http.getResponse<Response>());
    if (hit?.blocked) {
      throw new RateLimitedError(`Too many requests; retry in ${hit.resetSeconds} s`, undefined, {
        'Retry-After': String(hit.resetSeconds),
      });
    }
    return true;
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
   * Counts one request against `policy` for `route` and sets the X-RateLimit headers,
   * exactly as the guard does; for the HTTP fast path, which answers without routing.
   * Returns whether it is blocked (the caller then lets the guard produce the 429).
   */
  admit(policy: RateLimitPolicyName, route: string, req: Request, res: Response): boolean {
    return !this.count(policy, route, req, res)?.blocked;
  }

  private count(
    name: RateLimitPolicyName,
    route: string,
    req: Request,
    res: Response,
  ): { blocked: boolean; resetSeconds: number } | undefined {
    if (name === 'none') return undefined;
    const policy = this.policies[name];
    const hit = this.store.hit(
      policy.key(req, route),
      policy.limit,
      policy.windowMs,
      policy.blockMs,
    );
    const resetSeconds = Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000));
    res.setHeader('X-RateLimit-Limit', String(policy.limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, policy.limit - hit.count)));
    res.setHeader('X-RateLimit-Reset', String(resetSeconds));
    return { blocked: hit.blocked, resetSeconds };
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
