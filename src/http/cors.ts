import type { CorsOptions, CorsOptionsDelegate } from '@nestjs/common/internal';
import type { Request } from 'express';

const CORS_BASE: CorsOptions = {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Request-ID', 'X-Requested-With'],
  exposedHeaders: ['X-Request-ID', 'Retry-After'],
  maxAge: 600,
};

/**
 * Listed origins may send credentials (cookies, Authorization); `*` admits any other
 * origin without them: echoing every origin with credentials would let any site act
 * with a visitor's session.
 */
export function corsOptions(
  origins: readonly string[],
): CorsOptions | CorsOptionsDelegate<Request> {
  const listed = origins.filter((o) => o !== '*');
  if (!origins.includes('*')) {
    return { ...CORS_BASE, origin: listed, credentials: true };
  }
  if (listed.length === 0) {
    return { ...CORS_BASE, origin: '*', credentials: false };
  }
  const withCredentials: CorsOptions = { ...CORS_BASE, origin: listed, credentials: true };
  // Reflected rather than `*`, so the answer varies by Origin like the listed ones.
  const anyOrigin: CorsOptions = { ...CORS_BASE, origin: true, credentials: false };
  return (req, done) => {
    const origin = req.headers.origin;
    done(null, origin !== undefined && listed.includes(origin) ? withCredentials : anyOrigin);
  };
}
