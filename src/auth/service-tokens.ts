import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';

/**
 * Non-user bearer tokens (e.g. a metrics scraper's) that a route may accept instead of
 * a user's role. The module that owns a token registers where its current value comes
 * from, so a rotated token applies at once.
 */
@Injectable()
export class ServiceTokens {
  private readonly sources = new Map<string, () => string | undefined>();

  register(name: string, current: () => string | undefined): void {
    this.sources.set(name, current);
  }

  /** True when `token` is the current value of the service token `name`. */
  verify(name: string, token: string): boolean {
    const expected = this.sources.get(name)?.();
    if (!expected) return false;
    const a = Buffer.from(token);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
