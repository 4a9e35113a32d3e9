import type { Logger } from 'pino';

export interface ProcessFaultHooks {
  logger: Logger;
  /** Counts an unhandled rejection (the metrics endpoint shows it). */
  countRejection?: () => void;
  /** Closes the app as on SIGTERM: drains requests, flushes logs, stops the pool. */
  shutdown: () => Promise<void>;
  /** How long `shutdown` may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  exit?: (code: number) => void;
}

/**
 * What the process does with faults no caller handled.
 *
 * An unhandled promise rejection comes from work nobody awaits (a library's background
 * call, a fire-and-forget write); the request or job it belonged to has moved on and
 * handles its own errors. It is logged with its error and counted, and the process keeps
 * serving: ending it would cut off every request and pipeline run in flight.
 *
 * An uncaught exception leaves the process in an unknown state: it is logged as fatal and
 * the app shuts down as on SIGTERM (requests drained, logs flushed, pipeline jobs left to
 * resume), exiting with code 1; a second one, or a shutdown past its time, exits at once.
 *
 * Returns a function that removes both listeners.
 */
export function installProcessFaultPolicy(
  target: NodeJS.Process,
  hooks: ProcessFaultHooks,
): () => void {
  const exit = hooks.exit ?? ((code: number) => process.exit(code));
  let shuttingDown = false;

  const onRejection = (reason: unknown) => {
    hooks.countRejection?.();
    hooks.logger.error(
      { err: reason, fault: 'unhandled_rejection' },
      'unhandled promise rejection; the process keeps running',
    );
  };

  const onException = (error: Error, origin: string) => {
    hooks.logger.fatal({ err: error, fault: origin }, 'uncaught exception; shutting down');
    if (shuttingDown) {
      return exit(1);
    }
    shuttingDown = true;
    setTimeout(() => exit(1), hooks.shutdownTimeoutMs).unref();
    hooks.shutdown().then(
      () => exit(1),
      () => exit(1),
    );
  };

  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
