import { isoTimestamp } from './pino-options.js';

describe('isoTimestamp', () => {
  it('writes pino’s ISO time field for the current millisecond', () => {
    const before = Date.now();
    const field = isoTimestamp();
    const after = Date.now();
    const match = /^,"time":"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"$/.exec(field);
    expect(match).not.toBeNull();
    const stamped = Date.parse(match![1]);
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(after);
  });

  it('moves on with the clock', async () => {
    const first = isoTimestamp();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(isoTimestamp()).not.toBe(first);
  });
});
