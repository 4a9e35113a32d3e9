/**
 * The vocabulary configuration variables are declared in. Each builder returns a variable's
 * whole definition: how its text is read and checked, its default, and its documentation.
 * Loading, the typed environment, `.env.example` and the docs tables all follow from these
 * declarations (src/config/variables/), so a variable is written down once.
 */

export type VariableType = 'integer' | 'number' | 'boolean' | 'string' | 'enum';

export type ReadResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly messages: readonly string[] };

export interface Variable<T> {
  readonly type: VariableType;
  /** One line of documentation: the README, the reference and `.env.example` show it. */
  readonly doc: string;
  /** The value when the variable is unset or empty; `undefined` makes it optional. */
  readonly defaultValue: T;
  /** How the docs state a default that the value alone does not say (computed, or unset). */
  readonly defaultLabel?: string;
  /** A short stand-in for a default too long for the README table. */
  readonly shortDefault?: string;
  /** What a value must look like, as the reference states it. */
  readonly accepts: string;
  /** Points a source at a host: setting it makes UPSTREAM_MODE default to live. */
  readonly switchesToLive: boolean;
  /** Reads a non-empty value given for the variable called `name`. */
  read(raw: string, name: string): ReadResult<Exclude<T, undefined>>;
}

export type Variables = Readonly<Record<string, Variable<unknown>>>;

/** A titled set of variables: one file under variables/, one section of each generated doc. */
export interface VariableGroup<V extends Variables = Variables> {
  readonly title: string;
  /** A few sentences for the reference and `.env.example` on how the group's variables interact. */
  readonly doc: string;
  readonly variables: V;
}

/** The parsed values of a set of declarations, typed from the declarations themselves. */
export type ValuesOf<V extends Variables> = {
  readonly [K in keyof V]: V[K] extends Variable<infer T> ? T : never;
};

export function group<const V extends Variables>(declared: VariableGroup<V>): VariableGroup<V> {
  return declared;
}

interface Documented {
  readonly doc: string;
  readonly defaultLabel?: string;
  readonly shortDefault?: string;
}

interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

const documentation = ({ doc, defaultLabel, shortDefault }: Documented): Documented => ({
  doc,
  defaultLabel,
  shortDefault,
});

const ok = <T>(value: T): ReadResult<T> => ({ ok: true, value });

function boundsText({ min, max }: Bounds): string {
  if (min !== undefined && max !== undefined) {
    return ` ${min}–${max}`;
  }
  if (min !== undefined) {
    return ` ≥ ${min}`;
  }
  if (max !== undefined) {
    return ` ≤ ${max}`;
  }
  return '';
}

function checkBounds(value: number, name: string, { min, max }: Bounds): ReadResult<number> {
  const messages: string[] = [];
  if (min !== undefined && value < min) {
    messages.push(`${name} must not be less than ${min}`);
  }
  if (max !== undefined && value > max) {
    messages.push(`${name} must not be greater than ${max}`);
  }
  return messages.length > 0 ? { ok: false, messages } : ok(value);
}

function numeric(
  type: 'integer' | 'number',
  options: Documented & Bounds & { readonly default: number },
): Variable<number> {
  const shape = type === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
  const what = type === 'integer' ? 'an integer number' : 'a number';
  return {
    ...documentation(options),
    type,
    defaultValue: options.default,
    accepts: `${type}${boundsText(options)}`,
    switchesToLive: false,
    read(raw, name) {
      const text = raw.trim();
      if (!shape.test(text)) {
        return { ok: false, messages: [`${name} must be ${what}`] };
      }
      return checkBounds(Number(text), name, options);
    },
  };
}

/** A whole number, e.g. a port, a count or a duration in a unit its name states. */
export function int(options: Documented & Bounds & { readonly default: number }): Variable<number> {
  return numeric('integer', options);
}

/** A decimal number such as a threshold. */
export function decimal(
  options: Documented & Bounds & { readonly default: number },
): Variable<number> {
  return numeric('number', options);
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  '1': true,
  yes: true,
  on: true,
  false: false,
  '0': false,
  no: false,
  off: false,
};

/** A switch: true/false, also 1/0, yes/no, on/off in any case. */
export function bool(options: Documented & { readonly default: boolean }): Variable<boolean>;
export function bool(options: Documented): Variable<boolean | undefined>;
export function bool(
  options: Documented & { readonly default?: boolean },
): Variable<boolean | undefined> {
  return {
    ...documentation(options),
    type: 'boolean',
    defaultValue: options.default,
    accepts: 'true/false (also 1/0, yes/no, on/off)',
    switchesToLive: false,
    read(raw, name) {
      const value = BOOLEAN_WORDS[raw.trim().toLowerCase()];
      return value === undefined
        ? { ok: false, messages: [`${name} must be a boolean value`] }
        : ok(value);
    },
  };
}

/** One of a fixed list of words, taken exactly as written. */
export function oneOf<const V extends readonly [string, ...string[]]>(
  values: V,
  options: Documented & { readonly default: V[number] },
): Variable<V[number]>;
export function oneOf<const V extends readonly [string, ...string[]]>(
  values: V,
  options: Documented,
): Variable<V[number] | undefined>;
export function oneOf<const V extends readonly [string, ...string[]]>(
  values: V,
  options: Documented & { readonly default?: V[number] },
): Variable<V[number] | undefined> {
  const allowed: readonly string[] = values;
  return {
    ...documentation(options),
    type: 'enum',
    defaultValue: options.default,
    accepts: values.map((v) => `\`${v}\``).join(', '),
    switchesToLive: false,
    read(raw, name) {
      return allowed.includes(raw)
        ? ok(raw as V[number])
        : {
            ok: false,
            messages: [`${name} must be one of the following values: ${values.join(', ')}`],
          };
    },
  };
}

interface TextRules {
  readonly minLength?: number;
  /** A pattern the value must match, or a check it must pass. */
  readonly valid?: RegExp | ((value: string) => boolean);
  /** What a valid value looks like, as the message says it after the variable's name. */
  readonly format?: string;
  /** What the reference says a value must be, when the rules above say it badly. */
  readonly accepts?: string;
  readonly switchesToLive?: boolean;
}

/** Free text, optionally with a least length and a pattern or check it must pass. */
export function text(
  options: Documented & TextRules & { readonly default: string },
): Variable<string>;
export function text(options: Documented & TextRules): Variable<string | undefined>;
export function text(
  options: Documented & TextRules & { readonly default?: string },
): Variable<string | undefined> {
  const { minLength, valid, format } = options;
  const check = valid instanceof RegExp ? (v: string) => valid.test(v) : valid;
  const accepts = [
    minLength === 1
      ? 'not empty'
      : minLength !== undefined
        ? `at least ${minLength} characters`
        : '',
    // "must be an http(s) URL" reads as "an http(s) URL" under the reference's "accepts".
    format?.replace(/^must be /, '').replace(/^must look /, '') ?? (check ? 'see meaning' : ''),
  ].filter(Boolean);
  return {
    ...documentation(options),
    type: 'string',
    defaultValue: options.default,
    accepts: options.accepts ?? (accepts.length > 0 ? accepts.join('; ') : 'any text'),
    switchesToLive: options.switchesToLive ?? false,
    read(raw, name) {
      const messages: string[] = [];
      if (minLength !== undefined && raw.length < minLength) {
        messages.push(`${name} must be at least ${minLength} characters`);
      }
      if (check && !check(raw)) {
        messages.push(`${name} ${format ?? 'is invalid'}`);
      }
      return messages.length > 0 ? { ok: false, messages } : ok(raw);
    },
  };
}

/** Where a source downloads from: an http(s) URL; setting one switches to live mode. */
export function sourceUrl(options: Documented & { readonly default: string }): Variable<string> {
  return text({
    ...options,
    valid: /^https?:\/\/.+/,
    format: 'must be an http(s) URL',
    switchesToLive: true,
  });
}
