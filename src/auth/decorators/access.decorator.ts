import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiResponse, ApiSecurity } from '@nestjs/swagger';

import { ErrorEnvelope } from '../../common/filters/error-envelope.js';
import type { Role } from '../roles.js';

export const ACCESS_KEY = 'kgdb:access';

export type AccessPolicy =
  | { kind: 'public' }
  | {
      kind: 'role';
      role: Role;
      /** A service token (see ServiceTokens) also admitted instead of a user. */
      serviceToken?: string;
      /**
       * While the database cannot answer, admit a valid access token on its signed role
       * alone (the account and session cannot be re-read). Only for read-only monitoring
       * routes that answer from memory, which must keep working during an outage.
       */
      duringOutage?: boolean;
    };

/** Anyone, signed in or not, may call this route. */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessPolicy),
    ApiExtension('x-required-role', 'anonymous'),
  );
}

/**
 * Only users with `role` or a higher one (viewer < curator < admin). Routes without
 * `@Public()` or `@RequireRole()` are denied to everyone.
 */
export function RequireRole(
  role: Role,
  options: { serviceToken?: string; duringOutage?: boolean } = {},
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_KEY, {
      kind: 'role',
      role,
      serviceToken: options.serviceToken,
      duringOutage: options.duringOutage,
    } satisfies AccessPolicy),
    ApiBearerAuth(),
    ApiSecurity('oauth2'),
    ApiExtension('x-required-role', role),
    ApiResponse({
      status: 401,
      type: ErrorEnvelope,
      description: 'Missing, invalid or expired token',
    }),
    ApiResponse({
      status: 403,
      type: ErrorEnvelope,
      description: `Requires role ${role} or higher`,
    }),
  );
}
