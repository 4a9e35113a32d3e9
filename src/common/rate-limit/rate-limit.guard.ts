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

const MINUTE = 60_000;
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
    const name =
      this.reflector.getAllAndOverride<RateLimitPolicyName | undefined>(RATE_LIMIT_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'default';
    if (name === 'none') return true;
    const policy = this.policies[name];
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const route = `${context.getClass().name}.${context.getHandler().name}`;
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
    if (hit.blocked) {
      throw new RateLimitedError(`Too many requests; retry in ${resetSeconds} s`, undefined, {
        'Retry-After': String(resetSeconds),
      });
    }
    return true;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
