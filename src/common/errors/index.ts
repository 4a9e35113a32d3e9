export * from './domain.error.js';
export {
  isDatabaseTimeout,
  isDatabaseUnavailable,
  isTransientConflict,
  isUniqueViolation,
} from './database-errors.js';
