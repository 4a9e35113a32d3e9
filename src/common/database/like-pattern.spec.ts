import { containsPattern, escapeLike } from './like-pattern.js';

describe('LIKE patterns', () => {
  it('escapes the wildcard and escape characters so they match literally', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
    expect(escapeLike('PKD1')).toBe('PKD1');
  });

  it('wraps the escaped text for a contains match', () => {
    expect(containsPattern('C1orf_')).toBe('%C1orf\\_%');
  });
});
