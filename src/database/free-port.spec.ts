import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

import { freePort } from './free-port.js';

function listen(port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, () =>
      resolve(() => new Promise<void>((done) => server.close(() => done()))),
    );
  });
}

function readEphemeralLow(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  } catch {
    return undefined;
  }
}

const ephemeralLow = readEphemeralLow();

describe('freePort', () => {
  it('gives a port a server can listen on', async () => {
    const close = await listen(await freePort());
    await close();
  });

  // Where the range cannot be read (not Linux), listen(0) decides and there is nothing to check.
  (ephemeralLow === undefined ? it.skip : it)(
    'stays below the ephemeral range, where outgoing connections cannot take it',
    async () => {
      for (let i = 0; i < 20; i++) {
        expect(await freePort()).toBeLessThan(ephemeralLow!);
      }
    },
  );
});
