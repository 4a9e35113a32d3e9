/**
 * Jest in native ESM mode (Nest 12 ships as ESM only) with @swc/jest, in three projects:
 *
 * - `unit`: specs beside the code in src/. No build, no database: they import TypeScript
 *   sources only, and fake whatever crosses a process boundary. `npm run test:unit`.
 * - `integration`: test/integration, real PostgreSQL, no HTTP.
 * - `e2e`: test/e2e, the full app over real HTTP on real PostgreSQL.
 *
 * The two database tiers share one globalSetup path, which Jest runs once per run (it
 * deduplicates hooks by path, and skips those of projects with no selected tests): one
 * embedded PostgreSQL (or DATABASE_URL's server) with a migrated template, from which each
 * test file creates its own database. That setup loads dist/, so those tiers need a build
 * (`npm test` builds first); the unit tier never triggers it.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': swc },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/bench/'],
};

const database = {
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
};

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/src', '<rootDir>/migrations'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      ...shared,
      ...database,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.int-spec.ts'],
    },
    {
      ...shared,
      ...database,
      displayName: 'e2e',
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.e2e-spec.ts'],
    },
  ],
  testTimeout: 60_000,
  maxWorkers: 2,
};
