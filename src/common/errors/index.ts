export * from './domain.error.js';
export { isDatabaseUnavailable, isUniqueViolation } from './database-errors.js';
