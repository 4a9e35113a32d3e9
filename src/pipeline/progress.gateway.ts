import type { IncomingMessage } from 'node:http';

import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';

import { roleSatisfies } from '../auth/auth.module.js';
import { AccessGuard } from '../auth/guards/access.guard.js';
import { PipelineService } from './pipeline.service.js';
import { type PipelineEvent, PipelineEvents } from './pipeline-events.service.js';

/** Close codes: the handshake had no valid token, or the user may not watch. */
export const WS_UNAUTHORIZED = 4401;
export const WS_FORBIDDEN = 4403;

/** The token from `?token=` (browsers cannot set headers on a WebSocket) or the header. */
function tokenOf(request: IncomingMessage): string | null {
  const query = new URL(request.url ?? '/', 'http://ws').searchParams.get('token');
  if (query) {
    return query;
  }
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : null;
}

/**
 * Live pipeline progress at /api/progress/ws for curators and admins: a snapshot of the
 * active runs and every source on connect, then progress, status and completion events
 * of runs executing on any instance (see docs/api.md for the message schema).
 */
@WebSocketGateway({ path: '/api/progress/ws' })
export class ProgressGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(ProgressGateway.name);
  private readonly clients = new Set<WebSocket>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly access: AccessGuard,
    private readonly pipeline: PipelineService,
    events: PipelineEvents,
  ) {
    this.unsubscribe.push(
      events.subscribe((event) => this.broadcast(event)),
      events.onResync(() => {
        for (const client of this.clients) {
          void this.sendSnapshot(client);
        }
      }),
    );
  }

  async handleConnection(client: WebSocket, request: IncomingMessage): Promise<void> {
    const token = tokenOf(request);
    if (!token) {
      client.close(WS_UNAUTHORIZED, 'a token is required (?token=)');
      return;
    }
    let role;
    try {
      role = (await this.access.authenticate(token)).role;
    } catch {
      client.close(WS_UNAUTHORIZED, 'invalid or expired token');
      return;
    }
    if (!roleSatisfies(role, 'curator')) {
      client.close(WS_FORBIDDEN, 'curator or admin role required');
      return;
    }
    this.clients.add(client);
    await this.sendSnapshot(client);
  }

  handleDisconnect(client: WebSocket): void {
    this.clients.delete(client);
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) {
      off();
    }
    for (const client of this.clients) {
      client.close(1001, 'server shutting down');
    }
  }

  private async sendSnapshot(client: WebSocket): Promise<void> {
    try {
      const [runs, sources] = await Promise.all([
        this.pipeline.active(),
        this.pipeline.sourceStatus(),
      ]);
      this.send(client, {
        type: 'snapshot',
        active_runs: runs,
        sources,
        at: new Date().toISOString(),
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'progress snapshot not sent');
    }
  }

  private broadcast(event: PipelineEvent): void {
    for (const client of this.clients) {
      this.send(client, event);
    }
  }

  private send(client: WebSocket, message: unknown): void {
    if (client.readyState === client.OPEN) {
      client.send(JSON.stringify(message));
    }
  }
}
