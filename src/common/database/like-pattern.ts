/**
 * Escapes `\`, `%` and `_` so user text matches literally inside a LIKE / ILIKE pattern
 * written with `ESCAPE '\'`.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A pattern matching `text` anywhere in the value. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
