import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

import type { Role } from '../roles.js';

export interface AuthenticatedUser {
  id: number;
  username: string;
  role: Role;
  /** The session the access token belongs to (absent for service tokens). */
  sessionId?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthenticatedUser;
  }
}

/** The user the access guard authenticated; only on routes that require a role. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthenticatedUser => {
    const user = ctx.switchToHttp().getRequest<Request>().user;
    if (!user) {
      throw new Error('CurrentUser used on a route without RequireRole');
    }
    return user;
  },
);
