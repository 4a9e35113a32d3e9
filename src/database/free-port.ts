import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where freePort looks when the system's ephemeral range leaves it room (Linux: below it). */
const LOW = 20_000;
const ATTEMPTS = 50;

/**
 * The system's ephemeral port range, from which the kernel gives outgoing connections
 * (and `listen(0)`) their local ports; undefined where it cannot be read.
 */
function ephemeralRange(): [number, number] | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return Number.isInteger(low) && Number.isInteger(high) ? [low, high] : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves with the port once listening on it (every interface) succeeded and was closed. */
function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : undefined),
      );
    });
  });
}

/**
 * An unused port, for a server started right after (a child process, an embedded
 * database). It is chosen below the ephemeral range where there is room: a port from
 * inside it, as `listen(0)` gives, can be taken by any outgoing connection in the
 * moment between this check and the server's own listen, which parallel test suites
 * making many connections did hit (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const range = ephemeralRange();
  if (range && range[0] > LOW + 1000) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const candidate = LOW + Math.floor(Math.random() * (range[0] - LOW));
      const port = await tryListen(candidate);
      if (port !== undefined) {
        return port;
      }
    }
  }
  const port = await tryListen(0);
  if (port === undefined) {
    throw new Error('no free port');
  }
  return port;
}
