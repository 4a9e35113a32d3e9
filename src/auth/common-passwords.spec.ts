import { isCommonPassword } from './common-passwords.js';

describe('isCommonPassword', () => {
  it.each(['Password123', 'P@ssw0rd123', 'Welcome2026!', 'Qwerty12345', 'iloveyou', 'Dr@g0n!!'])(
    'rejects %s',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  it.each([
    'Bootstrap-Admin-Passw0rd',
    'Curat0r-Password',
    'Another-Str0ng-One',
    'Brand-New-Passw0rd',
    'violet-Tractor-91-Sky',
    'ab12345678!',
  ])('accepts %s', (password) => {
    expect(isCommonPassword(password)).toBe(false);
  });
});
