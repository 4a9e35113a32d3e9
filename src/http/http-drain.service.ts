import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/**
 * Graceful shutdown for keep-alive clients: once shutdown starts, every response still
 * being prepared (and any that arrives) is sent with `Connection: close`, so its socket
 * closes when the response is done instead of idling until the keep-alive timeout and
 * holding `server.close()` open.
 */
@Injectable()
export class HttpDrainService implements BeforeApplicationShutdown {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;

  attach(server: Server): void {
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (this.draining) {
        this.closeAfter(res);
      }
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    });
  }

  /** True once shutdown has started. */
  get isDraining(): boolean {
    return this.draining;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  beforeApplicationShutdown(): void {
    this.draining = true;
    for (const res of this.inFlight) {
      this.closeAfter(res);
    }
  }

  private closeAfter(res: ServerResponse): void {
    if (!res.headersSent) {
      res.setHeader('Connection', 'close');
    }
  }
}
