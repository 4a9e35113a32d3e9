import { setTimeout as sleep } from 'node:timers/promises';

import { Injectable } from '@nestjs/common';

import { PipelineService, type RunView } from './pipeline.service.js';
import { PipelineEvents } from './pipeline-events.service.js';

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/** How long a request may wait for a run before it is answered with the run as it is. */
export const MAX_WAIT_MS = 5 * 60_000;

export function hasEnded(run: RunView): boolean {
  return ENDED.has(run.status);
}

/**
 * Waits for a run to end (on its completion event, checking the record every second),
 * at most `timeoutMs`; then answers with the run as it is.
 */
@Injectable()
export class RunWaiter {
  constructor(
    private readonly pipeline: PipelineService,
    private readonly events: PipelineEvents,
  ) {}

  async waitFor(runId: string, timeoutMs = MAX_WAIT_MS): Promise<RunView> {
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => undefined;
    const unsubscribe = this.events.subscribe((event) => {
      if (event.run_id === runId && event.type === 'completed') {
        wake();
      }
    });
    try {
      for (;;) {
        const run = await this.pipeline.get(runId);
        if (hasEnded(run) || Date.now() >= deadline) {
          return run;
        }
        await Promise.race([
          new Promise<void>((resolve) => (wake = resolve)),
          sleep(1000, undefined, { ref: false }),
        ]);
      }
    } finally {
      unsubscribe();
    }
  }
}
