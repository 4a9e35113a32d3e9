import { Logger } from '@nestjs/common';
import pg from 'pg';

interface Envelope<T> {
  origin: string;
  msg: T;
}

/**
 * Messages between instances over PostgreSQL LISTEN/NOTIFY, on a dedicated connection
 * that reconnects with backoff. Messages from this instance (same origin) are skipped.
 * What was published while disconnected cannot be replayed, so `onResync` runs after
 * every reconnect (and after a first LISTEN that had to be retried).
 */
export class NotificationListener<T> {
  private readonly logger = new Logger(NotificationListener.name);
  private client?: pg.Client;
  private stopped = false;
  private retryMs = 500;
  private timer?: NodeJS.Timeout;
  connected = false;
  received = 0;

  constructor(
    private readonly url: string,
    readonly channel: string,
    readonly origin: string,
    private readonly onMessage: (msg: T) => void,
    private readonly onResync: () => void,
  ) {}

  async start(): Promise<void> {
    await this.connect().catch((error: unknown) => {
      this.logger.warn({ err: error, channel: this.channel }, 'listener not connected; retrying');
      this.scheduleReconnect();
    });
  }

  private everConnected = false;
  private missedWhileDown = false;

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `kgdb-listener-${this.channel}`,
    });
    client.on('notification', (n) => this.handle(n.payload));
    client.on('error', (error) => {
      this.logger.warn({ err: error, channel: this.channel }, 'listener lost its connection');
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      client.removeAllListeners('notification');
      await client.end().catch(() => undefined);
      // Anything published while we were not listening is lost: resync once we are.
      this.missedWhileDown = true;
      throw error;
    }
    if (this.stopped) {
      await client.end();
      return;
    }
    const resync = this.everConnected || this.missedWhileDown;
    this.client = client;
    this.connected = true;
    this.everConnected = true;
    this.missedWhileDown = false;
    this.retryMs = 500;
    if (resync) {
      this.onResync();
    }
  }

  private drop(client: pg.Client): void {
    if (this.client !== client || !this.connected) {
      return;
    }
    this.connected = false;
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().catch(() => this.scheduleReconnect());
    }, this.retryMs).unref();
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }

  private handle(payload: string | undefined): void {
    try {
      const envelope = JSON.parse(payload ?? '') as Envelope<T>;
      if (envelope.origin === this.origin) {
        return;
      }
      this.received += 1;
      this.onMessage(envelope.msg);
    } catch (error) {
      this.logger.warn({ err: error, channel: this.channel }, 'ignored a malformed notification');
    }
  }

  encode(msg: T): string {
    return JSON.stringify({ origin: this.origin, msg } satisfies Envelope<T>);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    const client = this.client;
    this.connected = false;
    if (client) {
      await client.end().catch(() => undefined);
    }
  }
}
