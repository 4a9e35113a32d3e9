import { isDatabaseTimeout, isDatabaseUnavailable, isUniqueViolation } from './database-errors.js';

describe('isDatabaseUnavailable', () => {
  it.each([
    [Object.assign(new Error('x'), { code: 'ECONNREFUSED' })],
    [new Error('timeout exceeded when trying to connect')],
    [new Error('Connection terminated unexpectedly')],
    [{ message: 'query failed', driverError: { code: '57P01' } }],
    [new Error('wrapped', { cause: Object.assign(new Error('y'), { code: '08006' }) })],
  ])('recognises %p', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [new Error('duplicate key value')],
    [Object.assign(new Error('x'), { code: '23505' })],
    [null],
    ['ECONNREFUSED'],
  ])('does not flag %p', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('isUniqueViolation', () => {
  it('recognises 23505 on the error or its driver error, and nothing else', () => {
    expect(isUniqueViolation({ driverError: { code: '23505' } })).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('dup'), { code: '23505' }))).toBe(true);
    expect(isUniqueViolation({ driverError: { code: '23503' } })).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});

describe('isDatabaseTimeout', () => {
  it.each([
    ['a statement timeout (57014)', { message: 'x', driverError: { code: '57014' } }],
    ['a lock timeout (55P03)', Object.assign(new Error('lock'), { code: '55P03' })],
    [
      "the client's read timeout",
      { message: 'Query read timeout', driverError: new Error('Query read timeout') },
    ],
  ])('recognises %s, which also counts as the database being unavailable', (_what, error) => {
    expect(isDatabaseTimeout(error)).toBe(true);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [Object.assign(new Error('x'), { code: 'ECONNREFUSED' })],
    [new Error('timeout exceeded when trying to connect')],
    [new Error('Connection terminated due to connection timeout')],
    [{ driverError: { code: '23505' } }],
    [undefined],
  ])('does not flag a connection failure or another error: %p', (error) => {
    expect(isDatabaseTimeout(error)).toBe(false);
  });
});
