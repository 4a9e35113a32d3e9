/** How much structure one JSON body may have: what bounds the work it can cause downstream. */
export interface JsonShapeLimits {
  /** Objects and arrays nested inside one another. */
  readonly maxDepth: number;
  /** Keys in one object. */
  readonly maxObjectKeys: number;
  /** Items in one array. */
  readonly maxArrayItems: number;
  /** Keys and items in the whole body. */
  readonly maxValues: number;
}

export type JsonShapeLimitName = 'depth' | 'object_keys' | 'array_items' | 'values';

/** The first limit a body exceeds. */
export interface JsonShapeProblem {
  limit: JsonShapeLimitName;
  max: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Checks a JSON text against `limits` in one pass over its characters, before anything
 * parses it, and stops at the first limit exceeded: a hostile body costs at most one
 * linear scan, never a parse, a class-transformer copy or a validation error per key.
 * Strings are skipped with `indexOf`, so only structure is looked at character by
 * character. The text need not be valid JSON; JSON.parse still judges that afterwards.
 */
export function findJsonShapeProblem(
  text: string,
  limits: JsonShapeLimits,
): JsonShapeProblem | undefined {
  // Per open container: members seen so far (0 = none yet) and whether it is an object.
  const members = new Int32Array(limits.maxDepth + 1);
  const isObject = new Uint8Array(limits.maxDepth + 1);
  let depth = 0;
  let values = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      continue;
    }
    if (c === COMMA) {
      if (depth === 0) {
        continue;
      }
      members[depth] += 1;
      values += 1;
      const problem = overLimit(members[depth], isObject[depth] === 1, values, limits);
      if (problem) {
        return problem;
      }
      continue;
    }
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) {
        depth -= 1;
      }
      continue;
    }
    // Anything else starts a member of the open container (a key, or an array item).
    if (depth > 0 && members[depth] === 0) {
      members[depth] = 1;
      values += 1;
      if (values > limits.maxValues) {
        return { limit: 'values', max: limits.maxValues };
      }
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
      if (depth > limits.maxDepth) {
        return { limit: 'depth', max: limits.maxDepth };
      }
      members[depth] = 0;
      isObject[depth] = c === OPEN_OBJECT ? 1 : 0;
    } else if (c === QUOTE) {
      i = closingQuote(text, i);
      if (i < 0) {
        return undefined;
      }
    }
  }
  return undefined;
}

function overLimit(
  count: number,
  inObject: boolean,
  values: number,
  limits: JsonShapeLimits,
): JsonShapeProblem | undefined {
  if (inObject && count > limits.maxObjectKeys) {
    return { limit: 'object_keys', max: limits.maxObjectKeys };
  }
  if (!inObject && count > limits.maxArrayItems) {
    return { limit: 'array_items', max: limits.maxArrayItems };
  }
  if (values > limits.maxValues) {
    return { limit: 'values', max: limits.maxValues };
  }
  return undefined;
}

/** Index of the quote that closes the string opened at `open`, or -1 when none does. */
function closingQuote(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) {
      return -1;
    }
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) {
      backslashes += 1;
    }
    if (backslashes % 2 === 0) {
      return quote;
    }
    from = quote + 1;
  }
}

/** What a client is told about the limit its body exceeded. */
export function describeJsonShapeProblem(problem: JsonShapeProblem): string {
  switch (problem.limit) {
    case 'depth':
      return `JSON body nests objects and arrays more than ${problem.max} levels deep`;
    case 'object_keys':
      return `JSON body has an object with more than ${problem.max} keys`;
    case 'array_items':
      return `JSON body has an array with more than ${problem.max} items`;
    case 'values':
      return `JSON body has more than ${problem.max} keys and array items in total`;
  }
}
