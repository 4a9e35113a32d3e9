import type { IncomingMessage } from 'node:http';

import { beginRequest, elapsedMs, requestIdFor } from './request-id.js';

const request = (headers: IncomingMessage['headers'] = {}) =>
  ({ headers }) as unknown as IncomingMessage;

describe('request ids', () => {
  it('keeps a caller’s safe id and replaces an unsafe one with a UUIDv7', () => {
    expect(requestIdFor(request({ 'x-request-id': 'abc-1.2:3@x' }))).toBe('abc-1.2:3@x');
    for (const unsafe of ['has space', 'line\nbreak', 'x'.repeat(129), '']) {
      expect(requestIdFor(request({ 'x-request-id': unsafe }))).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it('gives the request its id and start time in one step, for either path', () => {
    const req = request({ 'x-request-id': 'given' });
    expect(elapsedMs(req)).toBeUndefined();
    const started = performance.now() - 50;
    expect(beginRequest(req, started)).toBe('given');
    expect(req.id).toBe('given');
    expect(elapsedMs(req)).toBeGreaterThanOrEqual(50);
  });
});
