import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { DatabaseEndpoint } from '../database/database-endpoint.js';
import { NotificationListener } from '../database/notification-listener.js';
import { PipelineRepository } from './pipeline.repository.js';

const CHANNEL = 'kgdb_pipeline_events';

export type PipelineEvent =
  | {
      type: 'progress';
      run_id: string;
      seq: number;
      source: string;
      phase: string;
      processed: number;
      total: number | null;
      added: number;
      updated: number;
      failed: number;
      current: string | null;
      eta_ms: number | null;
      at: string;
    }
  | {
      type: 'status';
      run_id: string;
      seq: number;
      status: string;
      stage: string | null;
      source?: string;
      at: string;
    }
  | {
      type: 'completed';
      run_id: string;
      seq: number;
      status: string;
      summary: Record<string, unknown>;
      at: string;
    };

/** An event as published, before `at` is stamped. */
export type PipelineEventInput = PipelineEvent extends infer E
  ? E extends PipelineEvent
    ? Omit<E, 'at'>
    : never
  : never;

/**
 * Pipeline events for every instance's WebSocket clients: delivered locally at once and
 * published over PostgreSQL NOTIFY, so a run executing on one instance is seen from all.
 */
@Injectable()
export class PipelineEvents implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PipelineEvents.name);
  private readonly emitter = new EventEmitter();
  private readonly listener: NotificationListener<PipelineEvent>;

  constructor(
    private readonly repository: PipelineRepository,
    endpoint: DatabaseEndpoint,
  ) {
    this.emitter.setMaxListeners(1000);
    this.listener = new NotificationListener<PipelineEvent>(
      endpoint.url,
      CHANNEL,
      randomUUID(),
      (event) => this.emitter.emit('event', event),
      // Missed events cannot be replayed; clients get a fresh snapshot instead.
      () => this.emitter.emit('resync'),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
  }

  publish(input: PipelineEventInput): void {
    const event = { ...input, at: new Date().toISOString() };
    this.emitter.emit('event', event);
    this.repository
      .notify(CHANNEL, this.listener.encode(event))
      .catch((error: unknown) =>
        this.logger.warn({ err: error, run_id: event.run_id }, 'pipeline event not published'),
      );
  }

  subscribe(listener: (event: PipelineEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  onResync(listener: () => void): () => void {
    this.emitter.on('resync', listener);
    return () => this.emitter.off('resync', listener);
  }
}
