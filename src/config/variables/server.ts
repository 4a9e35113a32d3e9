import { group, int, oneOf, text } from '../declare.js';
import { parseTrustProxy } from '../trust-proxy.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const serverVariables = group({
  title: 'Server',
  doc: 'The HTTP listener and the limits every request meets before a route sees it.',
  variables: {
    NODE_ENV: oneOf(NODE_ENVS, {
      default: 'development',
      doc: '`development`, `production` or `test`; development turns on pretty logs',
    }),
    PORT: int({ default: 3000, min: 0, max: 65535, doc: 'HTTP port' }),
    HOST: text({ default: '0.0.0.0', doc: 'HTTP bind address' }),
    PUBLIC_BASE_URL: text({
      default: 'http://localhost:5173',
      valid: /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
      format: 'must be an http(s) URL without query or fragment',
      accepts: 'an http(s) URL',
      doc: 'public address of the web frontend, the base of every `<loc>` in `/sitemap.xml`; set it in production',
    }),
    CORS_ORIGINS: text({
      default: '',
      doc: 'comma-separated browser origins allowed with credentials; `*` admits any without them; empty disables CORS',
    }),
    BODY_LIMIT: text({
      default: '1mb',
      valid: /^\d+(b|kb|mb)$/i,
      format: 'must look like 100kb or 1mb',
      doc: 'largest JSON or form body; larger ones get 413',
    }),
    BODY_MAX_DEPTH: int({
      default: 32,
      min: 1,
      max: 1000,
      doc: 'JSON bodies: deepest nesting of objects and arrays; deeper gets 400 `BODY_TOO_COMPLEX`',
    }),
    BODY_MAX_OBJECT_KEYS: int({
      default: 1000,
      min: 1,
      doc: 'JSON bodies: most keys in one object (400 beyond)',
    }),
    BODY_MAX_ARRAY_ITEMS: int({
      default: 10000,
      min: 1,
      doc: 'JSON bodies: most items in one array (400 beyond)',
    }),
    BODY_MAX_VALUES: int({
      default: 20000,
      min: 1,
      doc: 'JSON bodies: most keys and array items in all (400 beyond)',
    }),
    MAX_HEADER_BYTES: int({
      default: 16384,
      min: 1024,
      max: 1048576,
      doc: 'largest request line plus headers; larger requests get 431',
    }),
    TRUST_PROXY: text({
      default: 'false',
      valid: (value) => parseTrustProxy(value) !== undefined,
      format: 'must be true, false, a hop count, or comma-separated proxy addresses/CIDRs',
      doc: 'which `X-Forwarded-For` hops to believe: a hop count (`1` = one proxy in front), proxy addresses/CIDRs, or `true` (every hop; only behind a proxy that overwrites the header)',
    }),
    SHUTDOWN_TIMEOUT_MS: int({
      default: 10000,
      min: 0,
      doc: 'bound on graceful shutdown (drain requests, close pool, stop embedded DB)',
    }),
  },
});
