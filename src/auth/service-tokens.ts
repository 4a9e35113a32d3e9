import { createHash, timingSafeEqual } from 'node:crypto';

import { Injectable } from '@nestjs/common';

const DIGEST_PREFIX = 'sha256:';

/**
 * What is stored and compared instead of a service token: `sha256:` and the hex SHA-256
 * of the token. The tokens are long random strings, so a fast hash is enough; the digest
 * lets a request be checked without the token itself being kept anywhere.
 */
export function serviceTokenDigest(token: string): string {
  return DIGEST_PREFIX + createHash('sha256').update(token).digest('hex');
}

/** True for a value serviceTokenDigest produced (as opposed to a token in clear). */
export function isServiceTokenDigest(value: unknown): value is string {
  return typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);
}

/**
 * Non-user bearer tokens (e.g. a metrics scraper's) that a route may accept instead of
 * a user's role. The module that owns a token registers where the current token's
 * digest comes from (serviceTokenDigest), so a rotated token applies at once.
 */
@Injectable()
export class ServiceTokens {
  private readonly sources = new Map<string, () => string | undefined>();

  register(name: string, currentDigest: () => string | undefined): void {
    this.sources.set(name, currentDigest);
  }

  /** True when `token` is the current service token `name` (compared in constant time). */
  verify(name: string, token: string): boolean {
    const expected = this.sources.get(name)?.();
    if (!isServiceTokenDigest(expected)) {
      return false;
    }
    const a = Buffer.from(serviceTokenDigest(token));
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
