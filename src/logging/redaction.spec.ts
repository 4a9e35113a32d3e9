import { REDACTED, redactDeep } from './redaction.js';
import { safeUrl } from './pino-options.js';

describe('redactDeep', () => {
  it('replaces sensitive fields at any depth and keeps the rest', () => {
    const input = {
      user: 'ada',
      password: 'hunter2',
      nested: { deeper: [{ accessToken: 'abc', apiKey: 'k', count: 3 }] },
      headers: { Authorization: 'Bearer x', cookie: 'sid=1', accept: 'json' },
      client_secret: 's',
    };
    expect(redactDeep(input)).toEqual({
      user: 'ada',
      password: REDACTED,
      nested: { deeper: [{ accessToken: REDACTED, apiKey: REDACTED, count: 3 }] },
      headers: { Authorization: REDACTED, cookie: REDACTED, accept: 'json' },
      client_secret: REDACTED,
    });
    expect(input.password).toBe('hunter2');
  });

  it('keeps words that merely contain "pass"', () => {
    expect(redactDeep({ tests_passed: 4, bypass: 'x' })).toEqual({ tests_passed: 4, bypass: 'x' });
  });

  it('survives cycles and turns errors into plain records', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redactDeep(a)).toEqual({ name: 'a', self: '[Circular]' });
    const error = Object.assign(new Error('boom'), { token: 't' });
    expect(redactDeep({ err: error })).toMatchObject({
      err: { type: 'Error', message: 'boom', token: REDACTED },
    });
  });
});

describe('safeUrl', () => {
  it('masks sensitive query parameters', () => {
    expect(safeUrl('/api/auth/reset?token=abc&x=1')).toBe(
      '/api/auth/reset?token=%5BREDACTED%5D&x=1',
    );
    expect(safeUrl('/api/genes?page=2')).toBe('/api/genes?page=2');
    expect(safeUrl('/plain')).toBe('/plain');
  });
});
