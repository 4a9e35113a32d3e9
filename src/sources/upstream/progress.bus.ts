import { EventEmitter } from 'node:events';

import { Injectable } from '@nestjs/common';

export interface SourceProgress {
  source: string;
  runId: string | null;
  phase: 'fetching' | 'parsing' | 'normalizing' | 'storing' | 'completed' | 'failed' | 'cancelled';
  processed: number;
  total: number | null;
  added: number;
  updated: number;
  failed: number;
  current: string | null;
  etaMs: number | null;
}

/** In-process bus the pipeline and WebSocket layers subscribe to. */
@Injectable()
export class SourceProgressBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  /**
   * Publishes `progress`; a total a source under-estimated (a count that grew while it
   * ran) is raised to what was processed, so no view shows more done than there is.
   */
  publish(progress: SourceProgress): void {
    const { processed, total } = progress;
    this.emitter.emit(
      'progress',
      total !== null && processed > total ? { ...progress, total: processed } : progress,
    );
  }

  subscribe(listener: (progress: SourceProgress) => void): () => void {
    this.emitter.on('progress', listener);
    return () => this.emitter.off('progress', listener);
  }
}
