export {
  isDatabaseTimeout,
  isDatabaseUnavailable,
  isTransientConflict,
  isUniqueViolation,
} from './database-errors.js';
export * from './domain.error.js';
