import { fileURLToPath } from 'node:url';

import { ESLint, type Linter } from 'eslint';

/**
 * The project's own ESLint config, run over test/fixtures/lint/ as if that folder were
 * the project root: each deliberate violation must be reported by the rule it breaks,
 * and its compliant counterpart by none.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/lint', import.meta.url));

/** The project's config minus the one ignore that keeps `npm run lint` off the fixtures. */
async function configWithoutFixtureIgnore(): Promise<Linter.Config[]> {
  // Plain JavaScript at the project root, outside the TypeScript program: loaded at run time.
  const { default: configs } = (await import(`${root}eslint.config.js`)) as {
    default: Linter.Config[];
  };
  const { LINT_FIXTURES } = (await import(`${root}eslint.architecture.js`)) as {
    LINT_FIXTURES: string;
  };
  return configs.map((entry) =>
    entry.ignores && Object.keys(entry).length === 1
      ? { ignores: entry.ignores.filter((pattern) => pattern !== LINT_FIXTURES) }
      : entry,
  );
}

describe('lint rules', () => {
  let eslint: ESLint;

  beforeAll(async () => {
    eslint = new ESLint({
      cwd: fixtures,
      overrideConfigFile: true,
      overrideConfig: await configWithoutFixtureIgnore(),
    });
  });

  async function rulesBroken(file: string): Promise<string[]> {
    const [result] = await eslint.lintFiles([`${fixtures}/src/${file}`]);
    const rules = result.messages.map((message) => message.ruleId ?? message.message);
    return [...new Set(rules)].sort();
  }

  it('keeps the fixtures out of `npm run lint`', async () => {
    const project = new ESLint({ cwd: root });
    await expect(
      project.isPathIgnored(`${fixtures}/src/metrics/sql-violation.service.ts`),
    ).resolves.toBe(true);
    await expect(project.isPathIgnored(`${root}/src/genes/genes.service.ts`)).resolves.toBe(false);
  });

  it('rejects database handles and .query( outside repositories', async () => {
    expect(await rulesBroken('metrics/sql-violation.service.ts')).toEqual([
      '@typescript-eslint/no-restricted-imports',
      'no-restricted-syntax',
    ]);
    expect(await rulesBroken('genes/genes.repository.ts')).toEqual([]);
  });

  it("rejects imports of another module's internals, at any depth", async () => {
    expect(await rulesBroken('pipeline/boundary-violation.service.ts')).toEqual([
      'no-restricted-imports',
    ]);
    expect(await rulesBroken('pipeline/runs/deep-boundary-violation.service.ts')).toEqual([
      'no-restricted-imports',
    ]);
    expect(await rulesBroken('annotation-sources/boundary-violation.service.ts')).toEqual([
      'no-restricted-imports',
    ]);
  });

  it("allows another module's service and DTOs, shared infrastructure and own files", async () => {
    expect(await rulesBroken('pipeline/public-surface.service.ts')).toEqual([]);
    expect(await rulesBroken('genes/genes.service.ts')).toEqual([]);
  });

  it('enforces eqeqeq, curly, exhaustive switches and sorted imports', async () => {
    expect(await rulesBroken('health/style-violation.ts')).toEqual([
      '@typescript-eslint/switch-exhaustiveness-check',
      'curly',
      'eqeqeq',
      'simple-import-sort/imports',
    ]);
    expect(await rulesBroken('health/style-compliant.ts')).toEqual([]);
  });
});
