import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { PinoLogger } from 'nestjs-pino';

import { isDatabaseUnavailable } from '../../common/errors/index.js';
import { enrichContext } from '../../common/request-context.js';
import { ForbiddenError, UnauthorizedError } from '../auth.errors.js';
import { ACCESS_KEY, type AccessPolicy } from '../decorators/access.decorator.js';
import type { AuthenticatedUser } from '../decorators/current-user.decorator.js';
import { roleSatisfies } from '../roles.js';
import { ServiceTokens } from '../service-tokens.js';
import type { SessionAccess } from '../tokens.repository.js';
import { TokensService } from '../tokens.service.js';

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Deny by default: a route runs only if it is marked `@Public()` or the caller's role
 * satisfies its `@RequireRole()`.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    private readonly logger: PinoLogger,
    private readonly serviceTokens: ServiceTokens,
  ) {}

  /**
   * Each route's policy, by controller and handler (a handler a base class declares is
   * shared by its controllers, whose own decorators may differ): decorator metadata,
   * fixed once the app is built.
   */
  private readonly policies = new WeakMap<object, Map<object, AccessPolicy | undefined>>();

  private policyOf(context: ExecutionContext): AccessPolicy | undefined {
    const [handler, controller] = [context.getHandler(), context.getClass()];
    let byHandler = this.policies.get(controller);
    if (!byHandler) {
      byHandler = new Map();
      this.policies.set(controller, byHandler);
    }
    if (!byHandler.has(handler)) {
      byHandler.set(
        handler,
        this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_KEY, [
          handler,
          controller,
        ]),
      );
    }
    return byHandler.get(handler);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.policyOf(context);
    if (context.getType() !== 'http') {
      return policy?.kind === 'public';
    }
    const req = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(req.headers.authorization);
    if (!policy) {
      throw new ForbiddenError('This route has no access policy', 'ACCESS_UNDECLARED');
    }
    if (policy.kind === 'public') {
      // A valid token on a public route still identifies the caller in logs.
      if (token) {
        await this.authenticate(token).then(
          (u) => this.attach(req, u),
          () => undefined,
        );
      }
      return true;
    }
    if (!token) {
      throw new UnauthorizedError();
    }
    if (policy.serviceToken && this.serviceTokens.verify(policy.serviceToken, token)) {
      return true;
    }
    const user = await this.authenticate(token, policy.duringOutage === true);
    this.attach(req, user);
    if (!roleSatisfies(user.role, policy.role)) {
      throw new ForbiddenError(`Requires role ${policy.role}`, 'INSUFFICIENT_ROLE');
    }
    return true;
  }

  /**
   * The account is re-read and the token's session checked on every request, so
   * disabling an account, changing its role, logging out or changing the password takes
   * effect at once. Failed logins never refuse an authenticated session.
   */
  async authenticate(token: string, claimsWhenDatabaseDown = false): Promise<AuthenticatedUser> {
    const claims = await this.tokens.verifyAccess(token);
    const id = Number(claims.sub);
    let account: SessionAccess | null;
    try {
      account = await this.tokens.sessionAccess(id, claims.sid);
    } catch (error) {
      if (!claimsWhenDatabaseDown || !isDatabaseUnavailable(error)) {
        throw error;
      }
      // A monitoring route during an outage: the token's signature and expiry are checked,
      // its role is taken as signed (at most the token's 30 minutes out of date).
      this.logger.warn(
        { user_id: Number(claims.sub) },
        'database unavailable: access granted on the signed token alone',
      );
      return { id: Number(claims.sub), username: '', role: claims.role, sessionId: claims.sid };
    }
    if (!account) {
      throw new UnauthorizedError('Account no longer exists', 'INVALID_TOKEN');
    }
    if (!account.isActive) {
      throw new UnauthorizedError('Account is disabled', 'ACCOUNT_DISABLED');
    }
    if (!account.open) {
      throw new UnauthorizedError('The session has ended', 'TOKEN_REVOKED');
    }
    return { id, username: account.username, role: account.role, sessionId: claims.sid };
  }

  private attach(req: Request, user: AuthenticatedUser): void {
    req.user = user;
    this.logger.assign({ user_id: user.id });
    enrichContext({ userId: user.id });
  }
}
