import { createHmac, randomBytes } from 'node:crypto';

import { Logger } from '@nestjs/common';

import type { AppConfig } from '../config/index.js';

/**
 * The server-side keys of the auth module, all from JWT_SECRET (random per process when it
 * is unset outside production). Each use gets its own key derived under a label, so the JWT
 * key is never used for anything but JWTs.
 */
export class SigningKeys {
  constructor(
    readonly jwtSecret: string,
    /** Derives a refresh token's successor from the token (see successorOf). */
    readonly refreshSuccessorKey: Buffer,
  ) {}

  static fromConfig(config: AppConfig): SigningKeys {
    let secret = config.auth.jwtSecret;
    if (!secret) {
      secret = randomBytes(48).toString('base64url');
      // Production refuses to boot without it, so this is an expected development or test
      // setup: worth a line, not a warning on every first `npm start`.
      new Logger('AuthModule').log(
        'JWT_SECRET is not set: using a random key for this process; tokens end at restart',
      );
    }
    return new SigningKeys(
      secret,
      createHmac('sha256', secret).update('kgdb refresh-token successor v1').digest(),
    );
  }

  /**
   * The token a refresh token rotates to. It is a keyed function of the presented token,
   * not a random one, so presenting the same token again (parallel refreshes of a client
   * without single-flight) can be answered with the same successor without storing any
   * token in clear; without the key nobody can compute it.
   */
  successorOf(token: string): string {
    return `rt_${createHmac('sha256', this.refreshSuccessorKey).update(token).digest('base64url')}`;
  }
}
