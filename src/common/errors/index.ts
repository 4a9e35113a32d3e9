export * from './domain.error.js';
export {
  isDatabaseUnavailable,
  isTransientConflict,
  isUniqueViolation,
} from './database-errors.js';
