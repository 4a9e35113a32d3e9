/** A release version: CalVer `YYYY.M` or `YYYY.MM` (one release per month). */
export interface CalVer {
  year: number;
  month: number;
}

const CALVER = /^(\d{4})\.(\d{1,2})$/;

/** The parsed version, or null when `text` is not a CalVer month of years 2000–2999. */
export function parseCalVer(text: string): CalVer | null {
  const m = CALVER.exec(text);
  if (!m) {
    return null;
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (year < 2000 || year > 2999 || month < 1 || month > 12) {
    return null;
  }
  return { year, month };
}

/** Orders versions as dates, never as strings: `2025.9` before `2025.10`. */
export function compareCalVer(a: CalVer, b: CalVer): number {
  return a.year - b.year || a.month - b.month;
}
