import { AppConfig } from './app-config.js';
import { readEnvironment, SOURCE_URL_VARIABLES } from './environment.js';

export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly { variable: string; messages: string[] }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}: ${p.messages.join('; ')}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/**
 * Validates an environment (the process's by default) against the declared variables and
 * returns the typed config. Empty strings count as unset.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): AppConfig {
  const { values, problems } = readEnvironment(env);
  if (
    values.NODE_ENV === 'production' &&
    !values.JWT_SECRET &&
    !problems.some((p) => p.variable === 'JWT_SECRET')
  ) {
    problems.push({ variable: 'JWT_SECRET', messages: ['JWT_SECRET is required in production'] });
  }
  if (problems.length > 0) {
    throw new ConfigValidationError(problems);
  }
  return new AppConfig(
    values,
    cwd,
    SOURCE_URL_VARIABLES.some((k) => Boolean(env[k])),
  );
}
