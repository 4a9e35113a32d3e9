import cronParser from 'cron-parser';

import { isServiceTokenDigest, serviceTokenDigest } from '../../auth/auth.module.js';
import type { CacheService } from '../../cache/cache.service.js';
import { LOG_LEVELS, type LogLevel } from '../../config/environment.js';
import type { AppConfig } from '../../config/index.js';
import type { LogControl } from '../../logging/logging.module.js';
import type { PipelineService } from '../../pipeline/pipeline.service.js';
import type { UpstreamHttp } from '../../sources/upstream/upstream-http.service.js';

export type SettingType = 'string' | 'number' | 'boolean' | 'json';
export type SettingCategory =
  'cache' | 'logging' | 'upstream' | 'pipeline' | 'database' | 'metrics';

/** What settings act on: services of the modules that own the behaviour. */
export interface SettingTargets {
  cache: CacheService;
  logs: LogControl;
  upstream: UpstreamHttp;
  pipeline: PipelineService;
}

/** Effective values by key, for appliers that combine several settings. */
export type SettingValues = Readonly<Record<string, unknown>>;

export interface SettingDefinition {
  /**
   * The setting's number, by which the original clients address it. Fixed once given:
   * a removed setting's id is never reused, so an old link cannot reach another setting.
   */
  id: number;
  key: string;
  type: SettingType;
  category: SettingCategory;
  description: string;
  /** The value when no operator set one: what the environment configured. */
  default: (config: AppConfig) => unknown;
  /** Shown to operators; `check` enforces it. */
  validation: Record<string, unknown>;
  /** A problem with a (type-correct) value, or null. */
  check: (value: unknown) => string | null;
  requiresRestart?: boolean;
  sensitive?: boolean;
  /**
   * How a (valid) value is kept, in `system_settings` and in memory, when it differs
   * from the value given: a secret that is only ever compared is kept as a digest.
   */
  store?: (value: unknown) => unknown;
  readOnly?: boolean;
  /** Applies the effective values to this instance; absent for read-only settings. */
  apply?: (values: SettingValues, targets: SettingTargets) => void | Promise<void>;
}

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): string | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
    ? null
    : `must be an integer from ${min} to ${max}`;

const isMap = (v: unknown, valid: (x: unknown) => boolean, what: string): string | null => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    return 'must be a JSON object';
  }
  for (const [k, x] of Object.entries(v)) {
    if (!/^[a-z0-9._-]{1,100}$/i.test(k)) {
      return `key ${k} is not a valid name`;
    }
    if (!valid(x)) {
      return `${k}: must be ${what}`;
    }
  }
  return null;
};

const MB = 1024 * 1024;

/** A metrics token as kept: its digest, or '' for none. */
const storedMetricsToken = (token: string): string => (token ? serviceTokenDigest(token) : '');

const applyCacheTtls = (v: SettingValues, t: SettingTargets) =>
  t.cache.setTtls(
    v['cache.default_ttl_seconds'] as number,
    v['cache.namespace_ttls'] as Record<string, number>,
  );
const applyL1 = (v: SettingValues, t: SettingTargets) =>
  t.cache.resizeL1(v['cache.l1_max_entries'] as number, (v['cache.l1_max_mb'] as number) * MB);

/**
 * Every runtime setting. Each one that can change is applied by `apply` on every
 * instance (no restart); read-only ones show what the environment set.
 */
export const SETTINGS: readonly SettingDefinition[] = [
  {
    id: 1,
    key: 'cache.default_ttl_seconds',
    type: 'number',
    category: 'cache',
    description: 'TTL of cache namespaces without their own (0 = never expires)',
    default: (c) => c.cache.defaultTtlSeconds,
    validation: { min: 0, max: 31_536_000 },
    check: (v) => isInt(v, 0, 31_536_000),
    apply: applyCacheTtls,
  },
  {
    id: 2,
    key: 'cache.namespace_ttls',
    type: 'json',
    category: 'cache',
    description: 'TTL in seconds per cache namespace, over the built-in defaults',
    default: (c) => ({ ...c.cache.namespaceTtls }),
    validation: { shape: '{ namespace: seconds (integer >= 0) }' },
    check: (v) => isMap(v, (x) => isInt(x, 0, 31_536_000) === null, 'an integer number of seconds'),
    apply: applyCacheTtls,
  },
  {
    id: 3,
    key: 'cache.l1_max_entries',
    type: 'number',
    category: 'cache',
    description: 'Entries the in-memory cache (L1) holds per instance',
    default: (c) => c.cache.l1MaxEntries,
    validation: { min: 1, max: 10_000_000 },
    check: (v) => isInt(v, 1, 10_000_000),
    apply: applyL1,
  },
  {
    id: 4,
    key: 'cache.l1_max_mb',
    type: 'number',
    category: 'cache',
    description: 'Megabytes of JSON the in-memory cache (L1) holds per instance',
    default: (c) => Math.round(c.cache.l1MaxBytes / MB),
    validation: { min: 1, max: 65_536 },
    check: (v) => isInt(v, 1, 65_536),
    apply: applyL1,
  },
  {
    id: 5,
    key: 'logging.level',
    type: 'string',
    category: 'logging',
    description: 'Console log level (records stored in system_logs follow LOG_DB_LEVEL)',
    default: (c) => c.log.level,
    validation: { enum: LOG_LEVELS },
    check: (v) =>
      (LOG_LEVELS as readonly unknown[]).includes(v)
        ? null
        : `must be one of ${LOG_LEVELS.join(', ')}`,
    apply: (v, t) => t.logs.setLevel(v['logging.level'] as LogLevel),
  },
  {
    id: 6,
    key: 'logging.slow_request_ms',
    type: 'number',
    category: 'logging',
    description: 'Requests slower than this are logged as warnings',
    default: (c) => c.log.slowRequestMs,
    validation: { min: 1, max: 3_600_000 },
    check: (v) => isInt(v, 1, 3_600_000),
    apply: (v, t) => t.logs.setSlowRequestMs(v['logging.slow_request_ms'] as number),
  },
  {
    id: 7,
    key: 'upstream.rate_limits',
    type: 'json',
    category: 'upstream',
    description: 'Requests per second per upstream domain (host suffix); `default` covers the rest',
    default: (c) => ({ ...c.upstream.rateLimits }),
    validation: { shape: '{ host suffix | default: requests per second (> 0, <= 1000) }' },
    check: (v) =>
      isMap(
        v,
        (x) => typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= 1000,
        'a number of requests per second above 0 and at most 1000',
      ),
    apply: (v, t) => t.upstream.setRateLimits(v['upstream.rate_limits'] as Record<string, number>),
  },
  {
    id: 8,
    key: 'pipeline.schedules',
    type: 'json',
    category: 'pipeline',
    description: 'Cron schedule (UTC) per source: a run of the source is queued when it fires',
    default: (c) => ({ ...c.pipeline.schedules }),
    validation: { shape: '{ Source: "minute hour day month weekday" }' },
    check: (v) => {
      const shape = isMap(v, (x) => typeof x === 'string', 'a cron expression');
      if (shape) {
        return shape;
      }
      for (const [source, cron] of Object.entries(v as Record<string, string>)) {
        if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(source)) {
          return `${source} is not a source name`;
        }
        if (cron.trim().split(/\s+/).length !== 5) {
          return `${source}: cron needs 5 fields`;
        }
        try {
          cronParser.parseExpression(cron);
        } catch {
          return `${source}: ${cron} is not a valid cron expression`;
        }
      }
      return null;
    },
    apply: (v, t) => t.pipeline.reschedule(v['pipeline.schedules'] as Record<string, string>),
  },
  {
    id: 9,
    key: 'metrics.token',
    type: 'string',
    category: 'metrics',
    description: 'Bearer token a Prometheus scraper presents at /metrics (empty: admins only)',
    // Kept as its SHA-256 digest only (src/auth/service-tokens.ts), never in clear.
    default: (c) => storedMetricsToken(c.metrics.token ?? ''),
    validation: { minLength: 0, note: 'empty, or at least 16 characters' },
    check: (v) =>
      typeof v === 'string' && (v === '' || (v.length >= 16 && !isServiceTokenDigest(v)))
        ? null
        : 'must be empty or a token of at least 16 characters (not a sha256: digest)',
    sensitive: true,
    store: (v) => storedMetricsToken(v as string),
  },
  {
    id: 10,
    key: 'database.pool_size',
    type: 'number',
    category: 'database',
    description: 'Connections per instance (DB_POOL_SIZE); set in the environment',
    default: (c) => c.database.poolSize,
    validation: { min: 1, max: 200 },
    check: (v) => isInt(v, 1, 200),
    requiresRestart: true,
    readOnly: true,
  },
];

export const SETTINGS_BY_KEY = new Map(SETTINGS.map((s) => [s.key, s]));
export const SETTINGS_BY_ID = new Map(SETTINGS.map((s) => [s.id, s]));

/** A value of the declared type, or a problem. */
export function typeProblem(type: SettingType, value: unknown): string | null {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? null : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be a boolean';
    case 'json':
      return value !== undefined ? null : 'must be JSON';
  }
}
