import { createHash, randomBytes } from 'node:crypto';

/** A fresh opaque token (256 bits) and the SHA-256 hex that is stored instead of it. */
export function newOpaqueToken(prefix: string): { token: string; hash: string } {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
