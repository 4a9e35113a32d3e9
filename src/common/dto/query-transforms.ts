/** class-transformer helpers for query strings, shared by every DTO. */

type Input = { value: unknown };

/** `a,b, c` → `['a', 'b', 'c']` (empty items dropped); non-strings pass through. */
export const toList = ({ value }: Input): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;

/** `true`/`1` and `false`/`0` → booleans; anything else is left for the validator to reject. */
export const toBoolean = ({ value }: Input): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/** `1,2,3` → `[1, 2, 3]`; an item that is not a whole number becomes NaN (rejected later). */
export const toIntList = ({ value }: Input): unknown =>
  typeof value === 'string'
    ? value.split(',').map((v) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN))
    : value;

export const trimmed = ({ value }: Input): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** A repeated query key (`?sources=a&sources=b`) as a list; one occurrence as a list of one. */
export const repeatedKey = ({ value }: Input): unknown =>
  Array.isArray(value) ? (value as unknown[]) : [value];

/** `repeatedKey`, each value as a number (NaN for the validator to reject). */
export const repeatedIntKey = ({ value }: Input): unknown =>
  (Array.isArray(value) ? (value as unknown[]) : [value]).map(Number);
