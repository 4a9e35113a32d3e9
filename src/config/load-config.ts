import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { AppConfig } from './app-config.js';
import {
  ENVIRONMENT_VARIABLE_NAMES,
  EnvironmentVariables,
  SOURCE_URL_VARIABLES,
} from './environment.js';

export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly { variable: string; messages: string[] }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}: ${p.messages.join('; ')}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

interface Problem {
  variable: string;
  messages: string[];
}

function describe(errors: ValidationError[]): Problem[] {
  return errors.map((e) => ({
    variable: e.property,
    messages: Object.values(e.constraints ?? { invalid: `${e.property} is invalid` }),
  }));
}

/**
 * Validates an environment (the process's by default) and returns the typed config.
 * Empty strings count as unset so `VAR=` in a .env file falls back to the default.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): AppConfig {
  const plain: Record<string, string> = {};
  for (const key of ENVIRONMENT_VARIABLE_NAMES) {
    const value = env[key];
    if (value !== undefined && value !== '') plain[key] = value;
  }
  const parsed = plainToInstance(EnvironmentVariables, plain, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: true, forbidUnknownValues: true });
  const problems = describe(errors);
  if (
    parsed.NODE_ENV === 'production' &&
    !parsed.JWT_SECRET &&
    !problems.some((p) => p.variable === 'JWT_SECRET')
  ) {
    problems.push({ variable: 'JWT_SECRET', messages: ['JWT_SECRET is required in production'] });
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return new AppConfig(
    parsed,
    cwd,
    SOURCE_URL_VARIABLES.some((k) => Boolean(env[k])),
  );
}
