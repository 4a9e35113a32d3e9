import { setTimeout as sleep } from 'node:timers/promises';

import { runWithContext } from '../../../src/common/request-context.js';
import {
  UpstreamPayloadError,
  UpstreamUnavailableError,
} from '../../../src/sources/upstream/upstream.errors.js';
import { UpstreamHttp } from '../../../src/sources/upstream/upstream-http.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';
import { ARRIVAL_JITTER_MS, shortestWindowMs } from '../../support/rate.js';

describe('UpstreamHttp against a fixture server', () => {
  let t: TestApp;
  let http: UpstreamHttp;
  const upstream = new FixtureServer();
  const hits = (path: string) => upstream.requests.filter((r) => r.url.split('?')[0] === path);

  beforeAll(async () => {
    await upstream.start();
    t = await createTestApp({
      env: {
        UPSTREAM_TIMEOUT_MS: '300',
        UPSTREAM_MAX_ATTEMPTS: '3',
        UPSTREAM_BACKOFF_BASE_MS: '20',
        UPSTREAM_BACKOFF_MAX_MS: '2000',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=50',
        UPSTREAM_CONCURRENCY: '4',
        // Failures accumulate across these tests on one host; the breaker has its own suite.
        UPSTREAM_BREAKER_FAILURES: '1000',
        UPSTREAM_BREAKER_OPEN_MS: '500',
      },
    });
    http = t.app.get(UpstreamHttp);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const req = (path: string, ttl?: number) => ({
    url: `${upstream.baseUrl}${path}`,
    source: 'PanelApp',
    namespace: 'panelapp',
    ttl,
  });

  it('fetches JSON once and serves it from the source namespace afterwards', async () => {
    upstream.json('GET', '/panels', {
      count: 1,
      results: [{ id: 384, name: 'Renal ciliopathies' }],
    });
    expect(await http.json(req('/panels'))).toEqual({
      count: 1,
      results: [{ id: 384, name: 'Renal ciliopathies' }],
    });
    expect(await http.json(req('/panels'))).toEqual({
      count: 1,
      results: [{ id: 384, name: 'Renal ciliopathies' }],
    });
    expect(hits('/panels')).toHaveLength(1);
  });

  it('retries 5xx and succeeds', async () => {
    let n = 0;
    upstream.route('GET', '/flaky', (_q, res) => {
      n += 1;
      res.writeHead(n < 3 ? 503 : 200, { 'content-type': 'application/json' });
      res.end(n < 3 ? '{"error":"busy"}' : '{"ok":true}');
    });
    expect(await http.json(req('/flaky', 0))).toEqual({ ok: true });
    expect(hits('/flaky')).toHaveLength(3);
  });

  it('honours Retry-After on 429', async () => {
    let n = 0;
    upstream.route('GET', '/limited', (_q, res) => {
      n += 1;
      if (n === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end();
        return;
      }
      res.writeHead(200);
      res.end('"done"');
    });
    expect(await http.json(req('/limited', 0))).toBe('done');
    const [first, second] = hits('/limited');
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
  });

  it('does not retry a 404, and gives up on persistent 500s with a clear error', async () => {
    upstream.json('GET', '/missing', { detail: 'Invalid page.' }, 404);
    await expect(http.json(req('/missing', 0))).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(hits('/missing')).toHaveLength(1);
    upstream.json('GET', '/down', { error: 'boom' }, 500);
    await expect(http.json(req('/down', 0))).rejects.toThrow(/failed after 3 attempts/);
    expect(hits('/down')).toHaveLength(3);
  });

  it('times out slow responses and retries them', async () => {
    upstream.route('GET', '/slow', async (_q, res) => {
      await sleep(1000);
      res.writeHead(200);
      res.end('{}');
    });
    await expect(http.json(req('/slow', 0))).rejects.toThrow(/timed out/);
    expect(hits('/slow')).toHaveLength(3);
  });

  it('reports a malformed body as a payload error and does not cache it', async () => {
    upstream.route('GET', '/garbled', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"results": [1, 2');
    });
    await expect(http.json(req('/garbled'))).rejects.toBeInstanceOf(UpstreamPayloadError);
    await expect(http.json(req('/garbled'))).rejects.toBeInstanceOf(UpstreamPayloadError);
    expect(hits('/garbled')).toHaveLength(2);
  });

  it('serves the expired cached copy when the upstream is down', async () => {
    let up = true;
    upstream.route('GET', '/panel/384', (_q, res) => {
      res.writeHead(up ? 200 : 500, { 'content-type': 'application/json' });
      res.end(up ? '{"id":384,"genes":["PKD1"]}' : '{}');
    });
    expect(await http.json(req('/panel/384', 1))).toEqual({ id: 384, genes: ['PKD1'] });
    up = false;
    await sleep(1100);
    expect(await http.json(req('/panel/384', 1))).toEqual({ id: 384, genes: ['PKD1'] });
  });

  const drip = (path: string, chunks: string[], everyMs: number, stallAfter?: number) =>
    upstream.route('GET', path, async (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (const [i, chunk] of chunks.entries()) {
        if (i === stallAfter) {
          return;
        } // never ends
        res.write(chunk);
        await sleep(everyMs);
      }
      res.end();
    });
  const collect = async (body: AsyncIterable<Uint8Array>) => {
    const parts: Buffer[] = [];
    for await (const chunk of body) {
      parts.push(Buffer.from(chunk));
    }
    return Buffer.concat(parts).toString('utf8');
  };

  it('streams a body that keeps coming for longer than the timeout', async () => {
    const chunks = Array.from({ length: 8 }, (_, i) => `line ${i}\n`);
    drip('/drip', chunks, 100);
    const started = Date.now();
    expect(await http.stream(req('/drip'), collect)).toBe(chunks.join(''));
    expect(Date.now() - started).toBeGreaterThan(600);
    expect(hits('/drip')).toHaveLength(1);
  });

  it('restarts a stream that stalls, and gives up after the attempts', async () => {
    drip('/stall', ['first\n', 'second\n'], 10, 1);
    let calls = 0;
    await expect(
      http.stream(req('/stall'), (body) => {
        calls += 1;
        return collect(body);
      }),
    ).rejects.toThrow(/failed after 3 attempts .*stalled/);
    expect([calls, hits('/stall').length]).toEqual([3, 3]);
  });

  it('does not retry what the stream consumer rejects', async () => {
    drip('/rejected', ['not what we want\n'], 1);
    await expect(
      http.stream(req('/rejected'), async (body) => {
        await collect(body);
        throw new UpstreamPayloadError('unexpected content');
      }),
    ).rejects.toThrow(UpstreamPayloadError);
    expect(hits('/rejected')).toHaveLength(1);
  });

  it('sends the run id as X-Request-ID', async () => {
    upstream.json('GET', '/echo', {});
    await runWithContext({ runId: 'run-7' }, () => http.json(req('/echo', 0)));
    expect(hits('/echo').at(-1)?.headers['x-request-id']).toBe('run-7');
  });
});

describe('UpstreamHttp circuit breaker and shared domain rate', () => {
  let t: TestApp;
  let http: UpstreamHttp;
  const upstream = new FixtureServer();

  beforeAll(async () => {
    await upstream.start();
    t = await createTestApp({
      env: {
        UPSTREAM_TIMEOUT_MS: '1000',
        UPSTREAM_MAX_ATTEMPTS: '1',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=5',
        UPSTREAM_CONCURRENCY: '3',
        UPSTREAM_BREAKER_FAILURES: '3',
        UPSTREAM_BREAKER_OPEN_MS: '400',
      },
    });
    http = t.app.get(UpstreamHttp);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('opens the circuit after consecutive failures, fails fast, then closes on success', async () => {
    let healthy = false;
    upstream.route('GET', '/api', (_q, res) => {
      res.writeHead(healthy ? 200 : 502);
      res.end(healthy ? '{"ok":1}' : '');
    });
    const call = () =>
      http.json({ url: `${upstream.baseUrl}/api`, source: 'GenCC', namespace: 'gencc', ttl: 0 });
    for (let i = 0; i < 3; i++) {
      await expect(call()).rejects.toThrow(/502/);
    }
    const before = upstream.requests.length;
    await expect(call()).rejects.toThrow(/circuit .* is open/);
    expect(upstream.requests.length).toBe(before);
    expect(http.health().find((d) => d.domain === '127.0.0.1')?.circuit).toBe('open');
    healthy = true;
    await sleep(450);
    expect(await call()).toEqual({ ok: 1 });
    expect(http.health().find((d) => d.domain === '127.0.0.1')?.circuit).toBe('closed');
  });

  it('never exceeds the domain rate, whichever sources share it', async () => {
    upstream.json('GET', '/esearch', { ids: [] });
    upstream.json('GET', '/pubtator-search', { results: [] });
    const from = upstream.requests.length;
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        http.json({
          url: `${upstream.baseUrl}${i % 2 ? '/esearch' : '/pubtator-search'}?page=${i}`,
          source: i % 2 ? 'ClinVar' : 'PubTator',
          namespace: i % 2 ? 'clinvar' : 'pubtator',
          ttl: 0,
        }),
      ),
    );
    const times = upstream.requests
      .slice(from)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(times).toHaveLength(16);
    // In any one-second window, at most 5 requests started (5 per second configured).
    expect(shortestWindowMs(times, 5)).toBeGreaterThanOrEqual(1000 - ARRIVAL_JITTER_MS);
  });
});
