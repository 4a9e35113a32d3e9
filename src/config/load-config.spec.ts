import { ConfigValidationError, ENVIRONMENT_VARIABLE_NAMES, loadConfig } from './index.js';

describe('loadConfig', () => {
  it('applies documented defaults to an empty environment', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.database.url).toBeUndefined();
    expect(config.database.embedded.dataDir).toBe('/srv/app/.data/postgres');
    expect(config.log.pretty).toBe(true);
  });

  it('parses numbers, booleans and lists from strings', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'k'.repeat(40),
      PORT: '8080',
      TRUST_PROXY: 'yes',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      DATABASE_URL: 'postgres://u@db:5432/kg',
    });
    expect(config.http.port).toBe(8080);
    expect(config.http.trustProxy).toBe(true);
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.database.url).toBe('postgres://u@db:5432/kg');
    expect(config.log.pretty).toBe(false);
  });

  it.each([
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['true', true],
  ])('reads TRUST_PROXY=%s as a setting Express understands', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).http.port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['TRUST_PROXY', 'maybe'],
    ['BODY_LIMIT', 'huge'],
    ['DB_POOL_SIZE', '0'],
  ])('rejects %s=%s and names the variable', (variable, value) => {
    let caught: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const problems = (caught as ConfigValidationError).problems;
    expect(problems.map((p) => p.variable)).toEqual([variable]);
    expect((caught as Error).message).toContain(`${variable}:`);
  });

  it('requires a real JWT_SECRET in production only', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: JWT_SECRET is required/,
    );
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET:/);
    expect(() => loadConfig({ JWT_SECRET: 'please-change-this-placeholder-value-now' })).toThrow(
      /placeholder/,
    );
    expect(loadConfig({ NODE_ENV: 'test' }).auth.jwtSecret).toBeUndefined();
  });

  it('reads sources from the snapshot unless a source URL or live mode is given', () => {
    expect(loadConfig({}).sources).toMatchObject({ mode: 'snapshot', ingestSnapshotOnStart: true });
    expect(loadConfig({ NODE_ENV: 'test' }).sources.ingestSnapshotOnStart).toBe(false);
    expect(loadConfig({ CLINGEN_URL: 'https://example.org/x.csv' }).sources).toMatchObject({
      mode: 'live',
      ingestSnapshotOnStart: false,
    });
    expect(loadConfig({ UPSTREAM_MODE: 'live' }).sources.mode).toBe('live');
    expect(() => loadConfig({ UPSTREAM_MODE: 'offline' })).toThrow(/UPSTREAM_MODE/);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT:[\s\S]*LOG_LEVEL:/);
  });

  it('knows the optional variables', () => {
    expect(ENVIRONMENT_VARIABLE_NAMES).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'LOG_PRETTY', 'PORT', 'EMBEDDED_PG_DATA_DIR']),
    );
  });
});
