import pino, { type LoggerOptions } from 'pino';

import {
  MAX_LOGGED_QUERY_LENGTH,
  redactDeep,
  REDACTED,
  redactString,
  safeUrl,
} from './redaction.js';

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

describe('redaction by value shape', () => {
  const ARGON2 =
    '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3q2+7wWmFQ5mN0cE1n7u4ZpM1iYt2Jm0c3VwZXJzZWNyZXQ';
  const BCRYPT = '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW';
  const JWT =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOjQyLCJyb2xlIjoiYWRtaW4ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  const REFRESH = `rt_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0-_x'}`;
  const RESET = `pr_${'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6L'}`;

  it.each([
    ['an argon2id hash', ARGON2],
    ['a bcrypt hash', BCRYPT],
    ['a JWT', JWT],
    ['a refresh token', REFRESH],
    ['a password-reset token', RESET],
  ])('masks %s wherever it sits in a string', (_what, secret) => {
    const masked = redactString(`value (${secret}) rejected; again: "${secret}"`);
    expect(masked).not.toContain(secret);
    expect(masked).toBe(`value (${REDACTED}) rejected; again: "${REDACTED}"`);
  });

  it('masks the credential after Bearer, keeping the scheme', () => {
    expect(redactString(`sent Authorization: Bearer ${JWT}`)).toBe(
      `sent Authorization: Bearer ${REDACTED}`,
    );
    expect(redactString('header was bearer scrape-token-0123456789abcdef')).toBe(
      `header was bearer ${REDACTED}`,
    );
    expect(redactString('a Bearer token is required')).toBe('a Bearer token is required');
  });

  it('masks the password of a URL with credentials, keeping the scheme, user and host', () => {
    expect(
      redactString('connect failed: postgres://kgdb:s3cr%40t@db.internal:5432/kgdb?ssl=1'),
    ).toBe(`connect failed: postgres://kgdb:${REDACTED}@db.internal:5432/kgdb?ssl=1`);
    expect(redactString('cache at redis://:hunter2@cache:6379')).toBe(
      `cache at redis://:${REDACTED}@cache:6379`,
    );
    // An unencoded @ inside the password is masked whole; two URLs in one line each.
    expect(redactString('a=smtp://mailer:p@ss@mail.example b=https://u:x@h/p')).toBe(
      `a=smtp://mailer:${REDACTED}@mail.example b=https://u:${REDACTED}@h/p`,
    );
    expect(redactDeep({ detail: { dsn: 'amqp://guest:guest@rabbit/' } })).toEqual({
      detail: { dsn: `amqp://guest:${REDACTED}@rabbit/` },
    });
    // No password, or no credentials at all: left as it is.
    for (const text of [
      'https://user@example.org/x',
      'see https://example.org:8443/path?a=b@c',
      'http://localhost:3000/api',
    ]) {
      expect(redactString(text)).toBe(text);
    }
  });

  it('leaves ordinary text alone', () => {
    for (const text of [
      'GET /api/genes?page[size]=5&sort=approved_symbol 200 3ms',
      'start_time report_id sort_by are words, not tokens',
      'price is $2 or $20, not a hash',
      'SELECT * FROM users WHERE id = $1',
    ]) {
      expect(redactString(text)).toBe(text);
    }
  });

  it('masks secret-shaped values under innocent field names, at any depth', () => {
    expect(redactDeep({ detail: `Key (x)=(${ARGON2})`, list: [{ note: JWT }], n: 1 })).toEqual({
      detail: `Key (x)=(${REDACTED})`,
      list: [{ note: REDACTED }],
      n: 1,
    });
  });
});

describe('database errors in logs', () => {
  const HASH =
    '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3q2+7wWmFQ5mN0cE1n7u4ZpM1iYt2Jm0c3VwZXJzZWNyZXQ';

  /** The shape of TypeORM's QueryFailedError: the statement, its values, the driver error. */
  function queryFailed(query: string, parameters: unknown[]): Error {
    return Object.assign(new Error('canceling statement due to lock timeout'), {
      name: 'QueryFailedError',
      query,
      parameters,
      driverError: Object.assign(new Error('canceling statement due to lock timeout'), {
        code: '55P03',
      }),
    });
  }

  it('drops the statement parameters and keeps the SQL, the message and the code', () => {
    const error = queryFailed('UPDATE users SET password_hash = $2 WHERE id = $1', [
      7,
      'plain personal data',
    ]);
    const logged = redactDeep({ err: error }) as { err: Record<string, unknown> };
    expect(logged.err).toMatchObject({
      type: 'QueryFailedError',
      message: 'canceling statement due to lock timeout',
      query: 'UPDATE users SET password_hash = $2 WHERE id = $1',
      parameters: REDACTED,
      driverError: { code: '55P03' },
    });
    expect(JSON.stringify(logged)).not.toContain('plain personal data');
    expect(error).toHaveProperty('parameters', [7, 'plain personal data']);
  });

  it('drops parameters of error-like records too, and shortens long SQL', () => {
    const longSql = `INSERT INTO genes VALUES ${'($1, $2), '.repeat(200)}`;
    const logged = redactDeep({
      failure: { query: longSql, parameters: ['x', HASH] },
    }) as { failure: { query: string; parameters: unknown } };
    expect(logged.failure.parameters).toBe(REDACTED);
    expect(logged.failure.query.length).toBeLessThan(MAX_LOGGED_QUERY_LENGTH + 30);
    expect(logged.failure.query).toMatch(/… \(\d+ chars\)$/);
    expect(JSON.stringify(logged)).not.toContain('argon2');
  });

  it('keeps a field named parameters elsewhere (not a statement)', () => {
    expect(redactDeep({ source: { parameters: { panels: [1, 2] } } })).toEqual({
      source: { parameters: { panels: [1, 2] } },
    });
  });
});

describe('the logger', () => {
  it('writes no statement parameter and no secret-shaped string, in fields or messages', async () => {
    const { LogCapture } = await import('../../test/support/log-capture.js');
    const { loadConfig } = await import('../config/index.js');
    const { buildPinoHttpOptions } = await import('./pino-options.js');
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2g';
    const capture = new LogCapture();
    // No request logging: these lines are not requests.
    const options = buildPinoHttpOptions(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'trace' }), {});
    const logger = pino(options as LoggerOptions, capture);
    const error = Object.assign(new Error(`bad value ${hash}`), {
      query: 'UPDATE users SET password_hash = $2 WHERE id = $1',
      parameters: [1, hash],
    });
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
      logger[level]({ err: error, detail: [hash] }, `failed with ${hash}`);
    }
    logger.error(error);
    expect(capture.lines).toHaveLength(7);
    expect(capture.text()).not.toContain('argon2');
    expect(capture.records()[0]).toMatchObject({
      msg: `failed with ${REDACTED}`,
      err: { query: 'UPDATE users SET password_hash = $2 WHERE id = $1', parameters: REDACTED },
    });
  });
});
