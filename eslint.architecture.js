/**
 * Architecture rules, kept apart from eslint.config.js so that test/lint/ can lint its
 * fixtures with exactly these rules. The rules are written in docs/architecture.md
 * ("Boundaries that lint enforces"); change both together.
 */
import { readdirSync } from 'node:fs';

/** Deliberate violations the lint test feeds to ESLint; `npm run lint` skips them. */
export const LINT_FIXTURES = 'test/fixtures/lint/**';

/** Infrastructure every module may import whole. */
export const SHARED_MODULES = ['common', 'config', 'database'];

/**
 * What one module may import from another: its Nest module, its services, its DTOs, its
 * errors and types, and the enhancers other modules apply by decorator (decorators,
 * guards, interceptors). Never its repositories, entities or internal helpers.
 */
export const PUBLIC_SURFACE = {
  folders: ['dto', 'errors'],
  kinds: ['module', 'service', 'error', 'types', 'decorator', 'guard', 'interceptor'],
};

/** Files that may hold SQL and the database handles that run it. */
const SQL_OWNERS = [
  'src/**/*.repository.ts',
  // Infrastructure: DataSource factory, migrations, advisory locks, LISTEN/NOTIFY.
  'src/database/**',
  '**/*.spec.ts',
  '**/*.int-spec.ts',
  '**/*.e2e-spec.ts',
];

const SQL_MESSAGE = 'SQL and database handles live in *.repository.ts (docs/architecture.md).';

// No `\-`: ESLint compiles the pattern with the `u` flag, where that escape is invalid.
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The relative specifier pattern that leaves module `own` from a file `depth` folders
 * below src/ and enters another module outside its public surface. Specifiers are raw
 * strings, so each depth gets its own pattern: `../` repeated `depth` times is src/.
 */
export function crossModulePattern(own, depth) {
  // `..` is not a module: a specifier that climbs above src/ is none of this rule's business.
  const stay = [own, ...SHARED_MODULES].map(escape).concat('\\.\\.').join('|');
  const folders = PUBLIC_SURFACE.folders.join('|');
  const kinds = PUBLIC_SURFACE.kinds.join('|');
  return (
    `^(?:\\.\\./){${depth}}(?!(?:${stay})/)[^/]+/` +
    `(?!(?:[^/]+/)*(?:${folders})/)(?!.*\\.(?:${kinds})\\.js$)`
  );
}

/** Top-level folders of src/: each is one module. */
export function modulesIn(srcDir) {
  return readdirSync(srcDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

const MAX_DEPTH = 6;

function moduleBoundaries(srcDir) {
  const configs = [];
  for (const own of modulesIn(srcDir)) {
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      configs.push({
        files: [`src/${own}/${'*/'.repeat(depth - 1)}*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                {
                  regex: crossModulePattern(own, depth),
                  caseSensitive: true,
                  message:
                    'Import another module only through its public surface (module, service, dto, errors, types, decorator, guard, interceptor); see docs/architecture.md.',
                },
              ],
            },
          ],
        },
      });
    }
  }
  return configs;
}

/** @param {URL | string} srcDir the folder whose top-level folders are the modules */
export function buildArchitectureRules(srcDir = new URL('./src', import.meta.url)) {
  return [
    {
      files: ['src/**/*.ts'],
      ignores: SQL_OWNERS,
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            paths: [
              {
                name: 'typeorm',
                importNames: ['DataSource', 'EntityManager', 'QueryRunner'],
                message: SQL_MESSAGE,
              },
              {
                name: '@nestjs/typeorm',
                importNames: ['InjectDataSource', 'InjectEntityManager', 'InjectRepository'],
                message: SQL_MESSAGE,
              },
            ],
          },
        ],
        'no-restricted-syntax': [
          'error',
          {
            selector:
              "CallExpression[callee.type='MemberExpression'][callee.property.name='query']",
            message: SQL_MESSAGE,
          },
        ],
      },
    },
    ...moduleBoundaries(srcDir),
  ];
}

export const architectureRules = buildArchitectureRules();
