import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that a test can cut and restore, to simulate a
 * database outage without touching the real server, or turn into a black hole: a
 * database (or network) that accepts connections and bytes but never answers.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections that went silent in a black hole; they stay silent when it ends. */
  private readonly silenced = new Set<Socket>();
  private open = true;
  private blackHoled = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static forUrl(url: string): TcpProxy {
    const u = new URL(url);
    return new TcpProxy(u.hostname, Number(u.port || 5432));
  }

  async start(): Promise<number> {
    this.server = createServer((client) => {
      if (!this.open) {
        client.destroy();
        return;
      }
      if (this.blackHoled) {
        this.track(client);
        this.silence(client);
        return;
      }
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.track(s);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server?.address() as AddressInfo).port;
  }

  /** Rewrites a database URL to go through this proxy. */
  urlThrough(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String((this.server?.address() as AddressInfo).port);
    return u.toString();
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => {
      this.sockets.delete(s);
      this.silenced.delete(s);
    });
    s.on('error', () => s.destroy());
  }

  /** Stops forwarding on a connection: what arrives is read and dropped. */
  private silence(s: Socket): void {
    this.silenced.add(s);
    s.unpipe();
    s.resume();
  }

  /**
   * Accepts new connections but never forwards a byte, and stops forwarding on the live
   * ones (like a network path that drops every packet); nothing is closed. Connections
   * silenced now stay silent after `restore()`, like sessions lost in a network cut.
   */
  blackHole(): void {
    this.blackHoled = true;
    for (const s of this.sockets) {
      this.silence(s);
    }
  }

  /** Closes the connections a black hole left silent. */
  dropSilenced(): void {
    for (const s of this.silenced) {
      s.destroy();
    }
  }

  /** Drops every live connection and refuses new ones. */
  cut(): void {
    this.open = false;
    for (const s of this.sockets) {
      s.destroy();
    }
  }

  restore(): void {
    this.open = true;
    this.blackHoled = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
