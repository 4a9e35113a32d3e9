import { SetMetadata } from '@nestjs/common';

export const RATE_LIMIT_KEY = 'kgdb:rate-limit';
export type RateLimitPolicyName = 'default' | 'login' | 'forgot-password' | 'client-logs' | 'none';

/** Applies a named, configured limit to a route ('none' exempts it, e.g. health probes). */
export const RateLimit = (policy: RateLimitPolicyName): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_LIMIT_KEY, policy);
