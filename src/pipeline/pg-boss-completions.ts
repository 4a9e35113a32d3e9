import { createRequire } from 'node:module';

import { Logger } from '@nestjs/common';

type Completion = (this: unknown, ...args: unknown[]) => Promise<unknown>;

const logger = new Logger('PipelineQueue');
let guarded = false;

/**
 * pg-boss 10 marks a worker's job completed (or failed) without awaiting the promise
 * (`onFetch` in its manager.js). When the database drops at that instant the promise
 * rejects with nobody listening, and Node ends the process on an unhandled rejection.
 *
 * This attaches a handler to every such promise, once per process, and hands the same
 * promise back, so a caller that awaits it still sees the error. The job itself stays
 * active until pg-boss expires it; a run's progress lives in its own record, so nothing
 * of the run is lost.
 */
export function guardJobCompletions(): void {
  if (guarded) {
    return;
  }
  const manager = createRequire(import.meta.url)('pg-boss/src/manager.js') as {
    prototype: Record<string, unknown>;
  };
  for (const name of ['complete', 'fail']) {
    const original = manager.prototype[name];
    if (typeof original !== 'function') {
      throw new Error(`pg-boss Manager.${name} not found: check the pg-boss version`);
    }
    const guardedCompletion = function (this: unknown, ...args: unknown[]) {
      const result = (original as Completion).apply(this, args);
      result.catch((error: unknown) =>
        logger.warn(
          { err: error, queue: args[0] },
          `job queue: ${name} failed; the job expires later`,
        ),
      );
      return result;
    };
    // PgBoss exposes its manager's methods under their function names.
    Object.defineProperty(guardedCompletion, 'name', { value: name });
    manager.prototype[name] = guardedCompletion;
  }
  guarded = true;
}
