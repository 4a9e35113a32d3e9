/**
 * Reads an environment against the declarations in variables/: each declared variable is
 * taken from its text or its default, and every value that breaks its declaration's rules
 * becomes a problem naming the variable.
 */
import type { Variable } from './declare.js';
import { type EnvironmentVariables, VARIABLE_GROUPS } from './variables/index.js';

export {
  type EnvironmentVariables,
  LOG_LEVELS,
  type LogDbRequests,
  type LogLevel,
  NODE_ENVS,
  type NodeEnv,
} from './variables/index.js';

const DECLARED: readonly (readonly [string, Variable<unknown>])[] = VARIABLE_GROUPS.flatMap(
  (g): [string, Variable<unknown>][] => Object.entries(g.variables),
);

/** Every variable the service reads, in declaration order. */
export const ENVIRONMENT_VARIABLE_NAMES: readonly string[] = DECLARED.map(([name]) => name);

const repeated = ENVIRONMENT_VARIABLE_NAMES.filter((n, i, all) => all.indexOf(n) !== i);
if (repeated.length > 0) {
  // Spreading the groups together would let the later declaration win silently.
  throw new Error(`config variables declared twice: ${repeated.join(', ')}`);
}

/** Variables that point a source at a host; setting any of them implies live mode. */
export const SOURCE_URL_VARIABLES: readonly string[] = DECLARED.filter(
  ([, variable]) => variable.switchesToLive,
).map(([name]) => name);

export interface EnvironmentProblem {
  readonly variable: string;
  readonly messages: string[];
}

/** Empty strings count as unset, so `VAR=` in a .env file falls back to the default. */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): {
  values: EnvironmentVariables;
  problems: EnvironmentProblem[];
} {
  const values: Record<string, unknown> = {};
  const problems: EnvironmentProblem[] = [];
  for (const [name, variable] of DECLARED) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      values[name] = variable.defaultValue;
      continue;
    }
    const result = variable.read(raw, name);
    if (result.ok) {
      values[name] = result.value;
    } else {
      problems.push({ variable: name, messages: [...result.messages] });
    }
  }
  // Each value was read by its own declaration, which is what the type is derived from.
  return { values: values as EnvironmentVariables, problems };
}
