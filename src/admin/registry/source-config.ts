import type { AppConfig } from '../../config/index.js';

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
  if (url.password) url.password = MASK;
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_KEY.test(name)) url.searchParams.set(name, MASK);
  }
  return url.toString();
}

/** Masks secret-named keys and credentials inside URL strings, recursively. */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== null && value !== undefined) return MASK;
  if (typeof value === 'string')
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? maskUrl(value) : value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  return value;
}

/** The configuration a source runs with, as the operator set it (secrets masked). */
export function sourceConfig(
  name: string,
  config: AppConfig,
  schedules: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const s = config.sources;
  const a = s.annotations;
  const byName: Record<string, unknown> = {
    PanelApp: s.panelapp,
    ClinGen: s.clingen,
    GenCC: s.gencc,
    HPO: s.hpo,
    PubTator: s.pubtator,
    hgnc: { url: a.hgncCompleteSetUrl },
    clinvar: a.clinvar,
    gnomad: a.gnomad,
    gtex: a.gtex,
    uniprot: { url: a.uniprotUrl },
    ensembl: { url: a.ensemblUrl },
    mpo_mgi: a.mgi,
    hgnc_normalization: s.hgnc,
    pipeline: {
      lease_seconds: config.pipeline.leaseSeconds,
      max_attempts: config.pipeline.maxAttempts,
    },
  };
  const own = byName[name];
  const extra: Record<string, unknown> = { mode: s.mode };
  if (name in schedules) extra.schedule = schedules[name];
  const days = a.updateDays[name];
  if (days !== undefined) extra.update_days = days;
  return maskSecrets({ ...(own && typeof own === 'object' ? own : {}), ...extra }) as Record<
    string,
    unknown
  >;
}

/** Every URL-valued string in a source's config, for finding its upstream domains. */
export function configUrls(value: unknown): string[] {
  if (typeof value === 'string') return /^https?:\/\//i.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(configUrls);
  if (value && typeof value === 'object') return Object.values(value).flatMap(configUrls);
  return [];
}
