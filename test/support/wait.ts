import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` until it returns true or `timeoutMs` passes; returns the final verdict. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) {
      return true;
    }
    if (Date.now() > deadline) {
      return false;
    }
    await sleep(20);
  }
}
