import type { Logger } from '@nestjs/common';

/**
 * Starts work nobody awaits, on purpose: failures are caught and logged, never left as
 * unhandled rejections. The only sanctioned way to fire and forget.
 */
export function runInBackground(logger: Logger, what: string, work: () => Promise<unknown>): void {
  work().catch((error: unknown) => logger.error({ err: error }, `${what} failed`));
}
