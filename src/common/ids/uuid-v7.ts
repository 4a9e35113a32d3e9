import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Random bytes per id: two seed a new millisecond's counter, eight fill rand_b. */
const BYTES_PER_ID = 10;
const pool = Buffer.alloc(BYTES_PER_ID * 256);
let poolOffset = pool.length;

let lastMs = -1;
let counter = 0;

function takeRandom(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += BYTES_PER_ID;
  return at;
}

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, 62 random
 * bits. Ids made by this process sort in creation order: within one millisecond the
 * counter climbs from a random start in its lower half, and when it runs out, or the
 * clock steps back, the timestamp moves on from the last one used instead.
 *
 * Time order keeps an index on these ids append-only, as the request id index on
 * `system_logs` is, instead of touching a random page per row.
 */
export function uuidV7(now: number = Date.now()): string {
  const r = takeRandom();
  if (now > lastMs) {
    lastMs = now;
    counter = ((pool[r] & 0x07) << 8) | pool[r + 1];
  } else if (counter < 0xfff) {
    counter += 1;
  } else {
    lastMs += 1;
    counter = 0;
  }
  // 48 bits do not fit a 32-bit shift: split into the top 24 and bottom 24 bits.
  const high = Math.floor(lastMs / 0x1000000);
  const low = lastMs % 0x1000000;
  return (
    HEX[(high >>> 16) & 0xff] +
    HEX[(high >>> 8) & 0xff] +
    HEX[high & 0xff] +
    HEX[low >>> 16] +
    '-' +
    HEX[(low >>> 8) & 0xff] +
    HEX[low & 0xff] +
    '-' +
    HEX[0x70 | (counter >>> 8)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[0x80 | (pool[r + 2] & 0x3f)] +
    HEX[pool[r + 3]] +
    '-' +
    HEX[pool[r + 4]] +
    HEX[pool[r + 5]] +
    HEX[pool[r + 6]] +
    HEX[pool[r + 7]] +
    HEX[pool[r + 8]] +
    HEX[pool[r + 9]]
  );
}
