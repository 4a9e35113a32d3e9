export { AppConfig } from './app-config.js';
export { childProcessEnv } from './child-env.js';
export { AppConfigModule } from './config.module.js';
export type { LogLevel, NodeEnv } from './environment.js';
export { ENVIRONMENT_VARIABLE_NAMES } from './environment.js';
export { ConfigValidationError, loadConfig } from './load-config.js';
