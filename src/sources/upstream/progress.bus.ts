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

  publish(progress: SourceProgress): void {
    this.emitter.emit('progress', progress);
  }

  subscribe(listener: (progress: SourceProgress) => void): () => void {
    this.emitter.on('progress', listener);
    return () => this.emitter.off('progress', listener);
  }
}
