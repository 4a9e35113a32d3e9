import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';

import { runInBackground } from '../common/background.js';
import { AppConfig } from '../config/index.js';
import { type LegacyProgressCounters, publicCounters } from './legacy-progress.js';
import { PipelineService } from './pipeline.service.js';
import { PipelineEvents } from './pipeline-events.service.js';

/** Close code when LEGACY_PROGRESS_WS is off. */
export const WS_LEGACY_DISABLED = 4404;
/** Events of a burst are folded into one read of the sources' state. */
const COALESCE_MS = 500;
/** A client silent this long gets a `ping` (the original's keep-alive). */
const PING_AFTER_MS = 30_000;

interface Client {
  socket: WebSocket;
  heardAt: number;
}

/**
 * The original frontend's progress socket at /ws/progress/ws: anonymous and read-only, so
 * it carries only each source's state, counters and percentage (no error texts, URLs, run
 * ids or users), in the original's messages: `initial_status`, `progress_update` (an
 * array), `task_completed`, `task_failed`, `status_change` and `ping`. Our own socket at
 * /api/progress/ws keeps requiring a curator token. Off with LEGACY_PROGRESS_WS=false.
 */
@WebSocketGateway({ path: '/ws/progress/ws' })
export class LegacyProgressGateway
  implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger(LegacyProgressGateway.name);
  private readonly clients = new Map<WebSocket, Client>();
  private readonly unsubscribe: (() => void)[] = [];
  /** What the clients were last told, per source. */
  private readonly told = new Map<string, LegacyProgressCounters>();
  private flushTimer?: NodeJS.Timeout;
  private readonly pingTimer?: NodeJS.Timeout;

  constructor(
    private readonly pipeline: PipelineService,
    private readonly config: AppConfig,
    events: PipelineEvents,
  ) {
    if (!config.pipeline.legacyProgressSocket) {
      return;
    }
    this.unsubscribe.push(
      events.subscribe(() => this.schedule()),
      events.onResync(() => this.schedule()),
    );
    this.pingTimer = setInterval(() => this.ping(), PING_AFTER_MS / 3);
    this.pingTimer.unref();
  }

  async handleConnection(socket: WebSocket): Promise<void> {
    if (!this.config.pipeline.legacyProgressSocket) {
      socket.close(WS_LEGACY_DISABLED, 'the legacy progress stream is disabled');
      return;
    }
    const client: Client = { socket, heardAt: Date.now() };
    this.clients.set(socket, client);
    // The original answers `ping` with `pong`; any client text only counts as a sign of life.
    socket.on('message', () => {
      client.heardAt = Date.now();
    });
    try {
      const items = await this.items();
      // The only client: what earlier clients were told no longer matters.
      if (this.clients.size === 1) {
        this.told.clear();
        for (const item of items) {
          this.told.set(item.source_name, item);
        }
      }
      this.send(socket, { type: 'initial_status', data: items });
    } catch (error) {
      this.logger.warn({ err: error }, 'legacy progress snapshot not sent');
    }
  }

  handleDisconnect(socket: WebSocket): void {
    this.clients.delete(socket);
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) {
      off();
    }
    clearTimeout(this.flushTimer);
    clearInterval(this.pingTimer);
    for (const socket of this.clients.keys()) {
      socket.close(1001, 'server shutting down');
    }
  }

  private async items(): Promise<LegacyProgressCounters[]> {
    return (await this.pipeline.sourceStatus()).map(publicCounters);
  }

  private schedule(): void {
    if (this.flushTimer || this.clients.size === 0) {
      return;
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      runInBackground(this.logger, 'legacy progress update', () => this.flush());
    }, COALESCE_MS);
    this.flushTimer.unref();
  }

  /** Tells the clients about every source whose state or counters changed. */
  private async flush(): Promise<void> {
    if (this.clients.size === 0) {
      this.told.clear();
      return;
    }
    for (const item of await this.items()) {
      const before = this.told.get(item.source_name);
      if (before && JSON.stringify(before) === JSON.stringify(item)) {
        continue;
      }
      this.told.set(item.source_name, item);
      for (const message of messagesFor(item, before)) {
        this.broadcast(message);
      }
    }
  }

  private ping(): void {
    const now = Date.now();
    for (const client of this.clients.values()) {
      if (now - client.heardAt >= PING_AFTER_MS) {
        // Counted as heard so a silent client gets one ping per period, not one per tick.
        client.heardAt = now;
        this.send(client.socket, { type: 'ping' });
      }
    }
  }

  private broadcast(message: unknown): void {
    for (const socket of this.clients.keys()) {
      this.send(socket, message);
    }
  }

  private send(socket: WebSocket, message: unknown): void {
    if (socket.readyState === socket.OPEN) {
      socket.send(JSON.stringify(message));
    }
  }
}

/**
 * The original's messages for a changed source: the end of a run as `task_completed` or
 * `task_failed`, anything else as `progress_update`; a changed status also as
 * `status_change` (the Annotations page's widget replaces its row on it).
 */
export function messagesFor(
  item: LegacyProgressCounters,
  before: LegacyProgressCounters | undefined,
): unknown[] {
  const changed = before !== undefined && before.status !== item.status;
  const messages: unknown[] = [];
  if (changed && item.status === 'completed') {
    messages.push({ type: 'task_completed', data: item });
  } else if (changed && item.status === 'failed') {
    messages.push({ type: 'task_failed', data: item });
  } else {
    messages.push({ type: 'progress_update', data: [item] });
  }
  if (changed) {
    messages.push({ type: 'status_change', source: item.source_name, data: item });
  }
  return messages;
}
