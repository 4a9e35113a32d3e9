import { uuidV7 } from './uuid-v7.js';

const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function timestampOf(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

describe('uuidV7', () => {
  it('has the version 7 and RFC variant bits and carries the millisecond timestamp', () => {
    const now = Date.UTC(2026, 10, 21, 19, 30, 0, 123);
    const id = uuidV7(now + 10_000_000);
    expect(id).toMatch(SHAPE);
    expect(timestampOf(id)).toBe(now + 10_000_000);
  });

  it('sorts in creation order within one millisecond, past the counter, and when the clock steps back', () => {
    const start = Date.UTC(2027, 0, 1) + 20_000_000;
    const ids: string[] = [];
    for (let i = 0; i < 5000; i += 1) {
      ids.push(uuidV7(start));
    }
    ids.push(uuidV7(start - 60_000));
    ids.push(uuidV7(start + 5));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) {
      expect(id).toMatch(SHAPE);
    }
    // 5,000 ids overflow one millisecond's 12-bit counter, so the timestamp moved on.
    expect(timestampOf(ids[4999])).toBeGreaterThan(start);
  });

  it('varies its random bits', () => {
    const tails = new Set<string>();
    for (let i = 0; i < 1000; i += 1) {
      tails.add(uuidV7().slice(19));
    }
    expect(tails.size).toBe(1000);
  });
});
