import proxyAddr from 'proxy-addr';

/** What Express's `trust proxy` setting gets: off, every hop, a hop count, or proxy addresses. */
export type TrustProxy = boolean | number | string[];

const BOOLEANS: Record<string, boolean> = {
  true: true,
  yes: true,
  on: true,
  false: false,
  no: false,
  off: false,
};

/**
 * Reads `TRUST_PROXY`: a boolean, a hop count (`1` = the one proxy in front), or a
 * comma-separated list of proxy addresses, CIDR ranges or Express's names (`loopback`,
 * `linklocal`, `uniquelocal`). Returns undefined when the value is none of these.
 */
export function parseTrustProxy(value: unknown): TrustProxy | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const text = value.trim().toLowerCase();
  if (text in BOOLEANS) {
    return BOOLEANS[text];
  }
  if (/^\d{1,3}$/.test(text)) {
    return Number(text);
  }
  const list = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (list.length === 0) {
    return undefined;
  }
  try {
    proxyAddr.compile(list);
  } catch {
    return undefined;
  }
  return list;
}
