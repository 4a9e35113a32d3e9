import { dictionary } from '@zxcvbn-ts/language-common';

/** The ~49,000 most common passwords of public breach corpora, lower case. */
const COMMON = new Set(dictionary['passwords-common']);

/** Usual single-character substitutions, read back to letters. */
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '3': 'e',
  '6': 'g',
  '1': 'i',
  '!': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
};

function unleet(value: string): string {
  return value.replace(/[@483610!$57+]/g, (c) => LEET[c] ?? c);
}

/**
 * Whether a password is a common one, as typed, with l33t spelling (`P@ssw0rd`), or as a
 * common word padded with digits and symbols (`Welcome2026!`, `Qwerty12345`): the
 * guesses an attacker tries first (ASVS 2.1.7). Linear in the password's length; a
 * scoring estimator was measured at up to 0.4 s of CPU per password and left out.
 */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  const core = lower.replace(/^[^a-z@$!]+/, '').replace(/[^a-z]+$/, '');
  const candidates = [lower, unleet(lower)];
  if (core.length >= 4) {
    candidates.push(core, unleet(core));
  }
  return candidates.some((candidate) => COMMON.has(candidate));
}
