import { isDatabaseUnavailable, isUniqueViolation } from './database-errors.js';

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
