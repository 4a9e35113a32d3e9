import type { AppConfig } from '../../config/index.js';
import type { SourceDeclaration } from '../../sources/catalog/source-declaration.types.js';

const MASK = '***';
const SECRET_KEY = /(pass(word)?|secret|token|api[_-]?key|key)$/i;

/** A URL with its credentials and secret-looking query parameters masked. */
export function maskUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (url.password) {
    url.password = MASK;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_KEY.test(name)) {
      url.searchParams.set(name, MASK);
    }
  }
  return url.toString();
}

/** Masks secret-named keys and credentials inside URL strings, recursively. */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== null && value !== undefined) {
    return MASK;
  }
  if (typeof value === 'string') {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? maskUrl(value) : value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => maskSecrets(v));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  return value;
}

/**
 * The configuration a source runs with, as the operator set it (secrets masked): what its
 * declaration shows (`settings`), the internal processes' own, the mode, schedule and
 * update interval.
 */
export function sourceConfig(
  name: string,
  config: AppConfig,
  schedules: Readonly<Record<string, string>>,
  declared: readonly SourceDeclaration[],
): Record<string, unknown> {
  const s = config.sources;
  const internal: Record<string, object> = {
    hgnc_normalization: s.hgnc,
    pipeline: {
      lease_seconds: config.pipeline.leaseSeconds,
      max_attempts: config.pipeline.maxAttempts,
    },
  };
  const own = declared.find((d) => d.name === name)?.settings?.(config) ?? internal[name] ?? {};
  const extra: Record<string, unknown> = { mode: s.mode };
  if (name in schedules) {
    extra.schedule = schedules[name];
  }
  const days = s.annotations.updateDays[name];
  if (days !== undefined) {
    extra.update_days = days;
  }
  return maskSecrets({ ...own, ...extra }) as Record<string, unknown>;
}

/** Every URL-valued string in a source's config, for finding its upstream domains. */
export function configUrls(value: unknown): string[] {
  if (typeof value === 'string') {
    return /^https?:\/\//i.test(value) ? [value] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap(configUrls);
  }
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(configUrls);
  }
  return [];
}
