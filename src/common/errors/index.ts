export * from './domain.error.js';
export { isDatabaseUnavailable } from './database-errors.js';
