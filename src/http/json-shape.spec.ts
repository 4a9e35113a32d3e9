import { findJsonShapeProblem, type JsonShapeLimits } from './json-shape.js';

const LIMITS: JsonShapeLimits = { maxDepth: 3, maxObjectKeys: 3, maxArrayItems: 4, maxValues: 8 };

const check = (value: unknown) => findJsonShapeProblem(JSON.stringify(value), LIMITS);

describe('findJsonShapeProblem', () => {
  it('accepts bodies within every limit', () => {
    expect(check({ a: 1, b: [1, 2, 3, 4], c: { d: 'x' } })).toBeUndefined();
    expect(check([])).toBeUndefined();
    expect(check({})).toBeUndefined();
    expect(findJsonShapeProblem('', LIMITS)).toBeUndefined();
  });

  it('refuses nesting deeper than maxDepth', () => {
    expect(check([[[1]]])).toBeUndefined();
    expect(check([[[[1]]]])).toEqual({ limit: 'depth', max: 3 });
    expect(check({ a: { b: { c: {} } } })).toEqual({ limit: 'depth', max: 3 });
  });

  it('counts keys per object and items per array separately', () => {
    expect(check({ a: 1, b: 2, c: 3, d: 4 })).toEqual({ limit: 'object_keys', max: 3 });
    expect(check([1, 2, 3, 4, 5])).toEqual({ limit: 'array_items', max: 4 });
    // Each container has its own count: siblings do not add up.
    expect(
      check([
        { a: 1, b: 2 },
        { a: 1, b: 2 },
      ]),
    ).toBeUndefined();
  });

  it('counts keys and items across the whole body', () => {
    expect(
      check([
        [1, 2, 3],
        [4, 5],
      ]),
    ).toBeUndefined();
    expect(
      check([
        [1, 2, 3, 4],
        [5, 6, 7],
      ]),
    ).toEqual({ limit: 'values', max: 8 });
  });

  it('ignores brackets, commas and escaped quotes inside strings', () => {
    expect(check({ a: '[[[[{{{{,,,,,,', b: 'say \\"[[[[\\"', c: '\\' })).toBeUndefined();
    expect(check(['"]]]],,,,', '\\\\"'])).toBeUndefined();
    expect(findJsonShapeProblem('{"a\\\\":[[[[1]]]]}', LIMITS)).toEqual({ limit: 'depth', max: 3 });
  });

  it('stops at the first problem of a deep body without reading the rest', () => {
    const deep = '['.repeat(1_000_000);
    expect(findJsonShapeProblem(deep, LIMITS)).toEqual({ limit: 'depth', max: 3 });
  });

  it('leaves malformed text to the parser', () => {
    expect(findJsonShapeProblem('{"a": "unterminated', LIMITS)).toBeUndefined();
    expect(findJsonShapeProblem(']]]}}}', LIMITS)).toBeUndefined();
  });
});
