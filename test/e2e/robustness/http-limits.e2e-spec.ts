import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { ProbeModule } from '../../support/probe.module.js';

const spec = JSON.parse(
  readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, { requestBody?: { content: object } }>> };

/** Every operation that takes a JSON body, with placeholders filled in. */
function jsonOperations(): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (op.requestBody?.content && 'application/json' in op.requestBody.content) {
        out.push({ method: method.toUpperCase(), path: path.replace(/\{\w+\}/g, '1') });
      }
    }
  }
  return out;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `head` as is on a fresh connection and reads the answer until the server closes. */
async function rawRequest(port: number, head: string): Promise<RawResponse> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
    socket.write(head);
  });
  const [top, body = ''] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = top.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

const MANY_KEYS_BODY = JSON.stringify(
  Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, 1])),
);
const DEEP_BODY = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);

describe('bounded requests at the HTTP edge', () => {
  let t: TestApp;
  let base: string;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({
      listen: true,
      imports: [ProbeModule],
      env: { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_LOGIN_PER_MINUTE: '100000' },
    });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    port = Number(new URL(base).port);
  });
  afterAll(() => t.close());

  const linesFor = (requestId: string) =>
    t.logs.records().filter((r) => r.request_id === requestId && typeof r.res === 'object');

  it('answers 70,000-key bodies from 4 clients with small 400s while the event loop and liveness stay responsive', async () => {
    expect(MANY_KEYS_BODY.length).toBeLessThan(1024 * 1024);
    // A public JSON route outside the session routes, which refuse such a body by its size.
    const send = () =>
      fetch(`${base}/api/genes/hpo-classifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: MANY_KEYS_BODY,
      });
    // One first, so compiling the code paths on first use is not counted.
    await (await send()).text();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let probing = true;
    const probes: number[] = [];
    const probe = (async () => {
      while (probing) {
        // A refused connection counts as a failed probe (0), not as a test error.
        probes.push(
          await fetch(`${base}/health/live`).then(
            (r) => r.status,
            () => 0,
          ),
        );
      }
    })();
    const client = async () => {
      const answers: { status: number; text: string }[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await send().catch(() => undefined);
        answers.push({ status: res?.status ?? 0, text: (await res?.text()) ?? '' });
      }
      return answers;
    };
    const answers = (await Promise.all([client(), client(), client(), client()])).flat();
    probing = false;
    await probe;
    delay.disable();
    const maxDelayMs = delay.max / 1e6;
    process.stdout.write(`http-limits: event-loop delay max ${maxDelayMs.toFixed(1)} ms\n`);

    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((s) => s === 200)).toBe(true);
    // Before the limits each such body held the event loop for 4-6 s in one piece; the
    // bound leaves room for a busy machine, not for that.
    expect(maxDelayMs).toBeLessThan(2000);
    expect(answers).toHaveLength(12);
    for (const { status, text } of answers) {
      expect(status).toBe(400);
      expect(text.length).toBeLessThan(1024);
      expect(JSON.parse(text)).toMatchObject({
        error: { code: 'BODY_TOO_COMPLEX', details: { limit: 'object_keys', max: 1000 } },
      });
    }
  });

  it('refuses a session route a body over 16 KB by its size, whatever it holds', async () => {
    for (const path of ['/api/auth/refresh', '/api/auth/login', '/api/auth/forgot-password']) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: MANY_KEYS_BODY,
      });
      const text = await res.text();
      expect([path, res.status]).toEqual([path, 413]);
      expect(text.length).toBeLessThan(1024);
      expect(JSON.parse(text)).toMatchObject({
        error: { code: 'PAYLOAD_TOO_LARGE', details: { limit_bytes: 16 * 1024 } },
      });
    }
    // Other routes keep the general limit: the same size is read, then refused by shape.
    const other = await fetch(`${base}/api/genes/hpo-classifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ gene_ids: Array.from({ length: 1000 }, (_, i) => i + 1) }),
    });
    expect(other.status).toBe(200);
  });

  it('answers JSON nested 20,000 deep with 400 on every JSON operation, before authentication', async () => {
    const operations = jsonOperations();
    expect(operations.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const { method, path } of operations) {
      const http = t.http();
      const res = await http[method.toLowerCase() as 'post'](path)
        .set('content-type', 'application/json')
        .send(DEEP_BODY);
      const error = (res.body as { error?: { code?: string; details?: unknown } }).error;
      // The session routes refuse a body this size (117 KB) before reading it.
      const expected = path.startsWith('/api/auth/')
        ? { status: 413, code: 'PAYLOAD_TOO_LARGE' }
        : { status: 400, code: 'BODY_TOO_COMPLEX' };
      if (res.status !== expected.status || error?.code !== expected.code) {
        failures.push(
          `${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });

  it('lists at most 20 validation problems and counts the rest', async () => {
    const body = Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`extra_${i}`, 1]));
    const res = await t.http().post('/__probe/echo').send(body).expect(400);
    const error = res.body.error as { code: string; message: string; details: unknown[] };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toHaveLength(20);
    // 900 unknown fields plus the two missing ones.
    expect(error.message).toMatch(/ and 882 more problems$/);
    expect(JSON.stringify(res.body).length).toBeLessThan(4096);
  });

  it.each([
    ['a URL', `GET /health/live?q=${'x'.repeat(17_000)} HTTP/1.1\r\nHost: a\r\n\r\n`],
    ['a header', `GET /api/genes HTTP/1.1\r\nHost: a\r\nX-Big: ${'y'.repeat(17_000)}\r\n\r\n`],
  ])('answers %s over 16 KB with 431 in the envelope and one log line', async (_, head) => {
    const res = await rawRequest(port, head);
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const requestId = res.headers['x-request-id'];
    expect(JSON.parse(res.body)).toEqual({
      error: {
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        message: 'The request line and headers are larger than 16384 bytes',
        detail: 'The request line and headers are larger than 16384 bytes',
        request_id: requestId,
      },
    });
    expect(linesFor(requestId)).toHaveLength(1);
  });

  it('answers a malformed HTTP request with 400 in the envelope', async () => {
    const res = await rawRequest(port, 'GET /health/live HTTP/1.1\r\nHost a\r\n\r\n');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { code: 'BAD_REQUEST', request_id: res.headers['x-request-id'] },
    });
  });

  it('answers malformed JSON and oversized bodies in the envelope with one log line each', async () => {
    const malformed = await t
      .http()
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .send('{"username": ')
      .expect(400);
    const oversized = await t
      .http()
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ username: 'x'.repeat(1_100_000) }))
      .expect(413);
    for (const res of [malformed, oversized]) {
      const id = res.headers['x-request-id'];
      const lines = linesFor(id);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        req: { method: 'POST', url: '/api/auth/login' },
        res: { status_code: res.status },
      });
      expect(res.body.error.request_id).toBe(id);
      // Refused before routing, the answer still carries the security headers.
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(malformed.body.error.code).toBe('BAD_REQUEST');
    expect(oversized.body.error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      details: { limit_bytes: 16 * 1024 },
    });
    // A routed failure keeps its single line from the request logger.
    const routed = await t.http().post('/__probe/echo').send({ name: 1 }).expect(400);
    expect(linesFor(routed.headers['x-request-id'])).toHaveLength(1);
  });
});

describe('CORS', () => {
  const preflight = (t: TestApp, origin: string) =>
    t
      .http()
      .options('/api/auth/login')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);

  describe('CORS_ORIGINS=*', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { CORS_ORIGINS: '*' } });
    });
    afterAll(() => t.close());

    it('admits any origin without credentials', async () => {
      const pre = await preflight(t, 'https://evil.example');
      expect(pre.headers['access-control-allow-origin']).toBe('*');
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      const res = await t.http().get('/health/live').set('Origin', 'https://evil.example');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });

  describe('CORS_ORIGINS=https://ui.example,*', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { CORS_ORIGINS: 'https://ui.example,*' } });
    });
    afterAll(() => t.close());

    it('keeps credentials for the listed origin only', async () => {
      const listed = await preflight(t, 'https://ui.example');
      expect(listed.headers['access-control-allow-origin']).toBe('https://ui.example');
      expect(listed.headers['access-control-allow-credentials']).toBe('true');
      const other = await preflight(t, 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBe('https://evil.example');
      expect(other.headers['access-control-allow-credentials']).toBeUndefined();
      expect(other.headers.vary).toMatch(/Origin/);
    });
  });
});
