import { type ValidationError, ValidationPipe } from '@nestjs/common';

import { type FieldProblem, ValidationFailedError } from '../errors/index.js';

/** Field problems listed in one error; the rest are only counted, so the answer stays small. */
export const MAX_REPORTED_PROBLEMS = 20;

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** VALIDATION_FAILED with the first problems in `details` and the count of the others. */
export function validationFailed(problems: FieldProblem[]): ValidationFailedError {
  const error = new ValidationFailedError(problems.slice(0, MAX_REPORTED_PROBLEMS));
  const more = problems.length - MAX_REPORTED_PROBLEMS;
  if (more > 0) {
    error.message += ` and ${more} more problem${more === 1 ? '' : 's'}`;
  }
  return error;
}

/** Whitelisting pipe whose failures become VALIDATION_FAILED with per-field details. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}
