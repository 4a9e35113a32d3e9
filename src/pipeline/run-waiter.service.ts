import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PipelineEvents } from './pipeline-events.service.js';
import { PipelineService, type RunView } from './pipeline.service.js';

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/** Waits for a run to end: on its completion event, checking the record every second. */
@Injectable()
export class RunWaiter {
  constructor(
    private readonly pipeline: PipelineService,
    private readonly events: PipelineEvents,
  ) {}

  async waitFor(runId: string, signal?: AbortSignal): Promise<RunView> {
    let wake: () => void = () => undefined;
    const unsubscribe = this.events.subscribe((event) => {
      if (event.run_id === runId && event.type === 'completed') wake();
    });
    try {
      for (;;) {
        const run = await this.pipeline.get(runId);
        if (ENDED.has(run.status) || signal?.aborted) return run;
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
