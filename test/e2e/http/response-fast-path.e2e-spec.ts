import { type OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import { GenesController } from '../../../src/genes/genes.controller.js';
import { StagingController } from '../../../src/genes/staging/staging.controller.js';
import { ResponseFastPath } from '../../../src/http/response-fast-path.js';
import { securityHeaders } from '../../../src/http/security-headers.js';
import { MetricsService } from '../../../src/metrics/metrics.service.js';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

interface Raw {
  status: number;
  /** Header name/value pairs in the order they were sent. */
  headers: [string, string][];
  body: Buffer;
}

/** A GET over a real socket, keeping header order and the exact body bytes. */
function get(t: TestApp, path: string, headers: OutgoingHttpHeaders = {}): Promise<Raw> {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          pairs.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
        }
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const header = (r: Raw, name: string) => r.headers.find(([k]) => k === name)?.[1];
/** Headers that legitimately differ between two requests a moment apart. */
const comparable = (r: Raw) =>
  r.headers.filter(([k]) => k !== 'date' && k !== 'x-ratelimit-remaining');

// An Authorization header (even an invalid token, which a public route ignores) sends a
// request through routing, guards and the interceptor: the path the fast path replaces.
const ROUTED = { authorization: 'Bearer not-a-valid-token' };

describe('response fast path for cached public GETs', () => {
  let t: TestApp;
  let fastPath: ResponseFastPath;

  beforeAll(async () => {
    t = await createTestApp({
      listen: true,
      // Every request line stored, so an answered request's row can be read back.
      env: { RATE_LIMIT_PER_MINUTE: '100000', LOG_DB_REQUESTS: 'all' },
    });
    await seedGenes(t.app, SCORING_DATASET);
    fastPath = t.app.get(ResponseFastPath);
  });
  afterAll(() => t.close());

  it.each([
    ['gene detail', '/api/genes/PKD1'],
    ['gene list with a query', '/api/genes?sort=-evidence_score&page%5Bsize%5D=2'],
  ])('answers %s with the routed path’s status, headers and bytes', async (_label, path) => {
    const first = await get(t, path, { 'x-request-id': 'warm-up' });
    expect(header(first, 'x-cache')).toBe('MISS');

    const servedBefore = fastPath.served;
    const routed = await get(t, path, { ...ROUTED, 'x-request-id': 'same-id' });
    expect(fastPath.served).toBe(servedBefore);
    const fast = await get(t, path, { 'x-request-id': 'same-id' });
    expect(fastPath.served).toBe(servedBefore + 1);

    expect(fast.status).toBe(200);
    expect(header(fast, 'x-cache')).toBe('HIT');
    expect(comparable(fast)).toEqual(comparable(routed));
    expect(fast.body.equals(routed.body)).toBe(true);
    expect(fast.body.equals(first.body)).toBe(true);
    // The miss sends the stored JSON text itself: the same headers (type, length, ETag).
    const sansCacheAndId = (r: Raw) =>
      comparable(r).filter(([k]) => k !== 'x-cache' && k !== 'x-request-id');
    expect(sansCacheAndId(first)).toEqual(sansCacheAndId(routed));
    // Both count against the same rate-limit bucket, one request apart.
    expect(Number(header(fast, 'x-ratelimit-remaining'))).toBe(
      Number(header(routed, 'x-ratelimit-remaining')) - 1,
    );
  });

  it('answers liveness before routing with the routed path’s headers and body', async () => {
    const routed = await get(t, '/health/live', { ...ROUTED, 'x-request-id': 'live' });
    const servedBefore = fastPath.served;
    const fast = await get(t, '/health/live', { 'x-request-id': 'live' });
    expect(fastPath.served).toBe(servedBefore + 1);
    expect(fast.status).toBe(200);
    // The uptime may tick over between the two, changing the body's length and ETag.
    const shape = (r: Raw) => comparable(r).filter(([k]) => k !== 'etag' && k !== 'content-length');
    expect(shape(fast)).toEqual(shape(routed));
    expect(header(fast, 'etag')).toMatch(/^W\/"/);
    const live = JSON.parse(fast.body.toString()) as { status: string; uptime_s: number };
    const before = JSON.parse(routed.body.toString()) as { status: string; uptime_s: number };
    expect(Object.keys(live)).toEqual(Object.keys(before));
    expect(live.status).toBe('ok');
    expect(live.uptime_s).toBeGreaterThanOrEqual(before.uptime_s);
    // Only the exact path: a query string is the router's to answer.
    expect((await get(t, '/health/live?verbose=1')).status).toBe(200);
    expect(fastPath.served).toBe(servedBefore + 1);
  });

  it('answers a registered route at the edge only when it is public, and counts its rate limit', async () => {
    fastPath.answerBeforeRouting({
      path: '/__edge/public',
      handler: GenesController.prototype.list,
      controller: GenesController,
      body: () => ({ edge: true }),
    });
    fastPath.answerBeforeRouting({
      path: '/__edge/curators-only',
      handler: StagingController.prototype.stats,
      controller: StagingController,
      body: () => ({ edge: true }),
    });
    const servedBefore = fastPath.served;
    const first = await get(t, '/__edge/public');
    const second = await get(t, '/__edge/public');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body.toString())).toEqual({ edge: true });
    expect(header(first, 'x-ratelimit-remaining')).toMatch(/^\d+$/);
    expect(Number(header(second, 'x-ratelimit-remaining'))).toBe(
      Number(header(first, 'x-ratelimit-remaining')) - 1,
    );
    expect(fastPath.served).toBe(servedBefore + 2);
    // Not public: the router answers (it has no such route), the edge writes nothing.
    const closed = await get(t, '/__edge/curators-only');
    expect(closed.status).toBe(404);
    expect(closed.body.toString()).not.toContain('"edge":true');
    expect(fastPath.served).toBe(servedBefore + 2);
  });

  it('answers If-None-Match with the same 304 as the routed path', async () => {
    const path = '/api/genes/PKD2';
    const first = await get(t, path);
    const etag = header(first, 'etag');
    expect(etag).toMatch(/^W\/"/);
    const routed = await get(t, path, { ...ROUTED, 'if-none-match': etag, 'x-request-id': 'c' });
    const servedBefore = fastPath.served;
    const fast = await get(t, path, { 'if-none-match': etag, 'x-request-id': 'c' });
    expect(fastPath.served).toBe(servedBefore + 1);
    expect(routed.status).toBe(304);
    expect(fast.status).toBe(304);
    expect(fast.body.length).toBe(0);
    expect(comparable(fast)).toEqual(comparable(routed));
    // A different validator gets the full body.
    const changed = await get(t, path, { 'if-none-match': 'W/"other"' });
    expect(changed.status).toBe(200);
    expect(changed.body.equals(first.body)).toBe(true);
  });

  it('logs, persists and counts what it answers like any routed request', async () => {
    await get(t, '/api/genes/UMOD');
    const routed = await get(t, '/api/genes/UMOD', { ...ROUTED, 'x-request-id': 'log-routed' });
    const servedBefore = fastPath.served;
    const fast = await get(t, '/api/genes/UMOD', { 'x-request-id': 'log-fast' });
    expect(fastPath.served).toBe(servedBefore + 1);
    expect(routed.status).toBe(200);

    const completion = (id: string) =>
      t.logs.records().find((r) => r.request_id === id && r.res !== undefined);
    expect(await eventually(() => completion('log-fast') !== undefined)).toBe(true);
    const fastLine = completion('log-fast')!;
    const routedLine = completion('log-routed')!;
    expect(fastLine).toMatchObject({
      level: 'info',
      route: '/api/genes/:symbol',
      req: { method: 'GET', url: '/api/genes/UMOD' },
      res: { status_code: 200 },
    });
    expect(Object.keys(fastLine).sort()).toEqual(Object.keys(routedLine).sort());
    expect(String(fastLine.msg)).toMatch(/^GET \/api\/genes\/UMOD 200 \d+ms$/);
    expect(header(fast, 'x-request-id')).toBe('log-fast');

    const db = testDb(t.database!.url);
    try {
      const stored = () =>
        db.rows<{ path: string; status_code: number }>(
          `SELECT path, status_code FROM system_logs WHERE request_id = 'log-fast'`,
        );
      expect(await eventually(async () => (await stored()).length === 1, 10_000)).toBe(true);
      expect(await stored()).toEqual([{ path: '/api/genes/UMOD', status_code: 200 }]);
    } finally {
      await db.close();
    }

    const metrics = await t.app.get(MetricsService).text();
    expect(metrics).toContain(`kgdb_http_fast_path_responses_total ${fastPath.served}`);
    const count = (text: string) =>
      Number(
        /kgdb_http_request_duration_seconds_count\{method="GET",route="\/api\/genes\/:symbol",status="200"\} (\d+)/.exec(
          text,
        )?.[1],
      );
    const before = count(metrics);
    await get(t, '/api/genes/UMOD');
    expect(count(await t.app.get(MetricsService).text())).toBe(before + 1);
  });

  it('leaves signed-in callers to the routed path, which identifies them', async () => {
    const { accessToken } = await loginAdmin(t);
    await get(t, '/api/genes/NPHS1');
    const servedBefore = fastPath.served;
    const res = await get(t, '/api/genes/NPHS1', {
      authorization: `Bearer ${accessToken}`,
      'x-request-id': 'signed-in',
    });
    expect(res.status).toBe(200);
    expect(header(res, 'x-cache')).toBe('HIT');
    expect(fastPath.served).toBe(servedBefore);
    const line = () => t.logs.records().find((r) => r.request_id === 'signed-in' && r.res);
    expect(await eventually(() => line() !== undefined)).toBe(true);
    expect(typeof line()!.user_id).toBe('number');
  });

  it('serves nothing for URLs the routed path has not answered from the cache', async () => {
    const servedBefore = fastPath.served;
    expect((await get(t, '/api/genes/NO-SUCH-GENE')).status).toBe(404);
    expect((await get(t, '/api/genes/NO-SUCH-GENE')).status).toBe(404);
    expect((await get(t, '/api/genes?sort=bogus')).status).toBe(400);
    expect((await get(t, '/api/genes?sort=bogus')).status).toBe(400);
    expect(fastPath.served).toBe(servedBefore);
  });
});

/**
 * The edge and the routed chain share one implementation of each concern; these fail
 * when either path alone changes a header, the request id, the completion line or the
 * rate-limit or ETag answer.
 */
describe('the edge and the routed chain answer alike', () => {
  let t: TestApp;
  let fastPath: ResponseFastPath;
  const PATH = '/api/genes/PKD1';

  beforeAll(async () => {
    t = await createTestApp({ listen: true, env: { RATE_LIMIT_PER_MINUTE: '1000' } });
    await seedGenes(t.app, SCORING_DATASET);
    fastPath = t.app.get(ResponseFastPath);
    await get(t, PATH);
  });
  afterAll(() => t.close());

  /** A routed answer and the edge's for the same request, the edge's checked as such. */
  async function pair(headers: OutgoingHttpHeaders): Promise<{ routed: Raw; edge: Raw }> {
    const routed = await get(t, PATH, { ...ROUTED, ...headers });
    const servedBefore = fastPath.served;
    const edge = await get(t, PATH, headers);
    expect(fastPath.served).toBe(servedBefore + 1);
    return { routed, edge };
  }

  it('sends the shared security headers, in order, on both paths and on errors', async () => {
    const { routed, edge } = await pair({});
    const missing = await get(t, '/api/genes/NO-SUCH-GENE');
    const expected = securityHeaders().map(([name, value]) => [name.toLowerCase(), value]);
    const names = new Set(expected.map(([name]) => name));
    for (const r of [routed, edge, missing]) {
      expect(r.headers.filter(([name]) => names.has(name))).toEqual(expected);
    }
  });

  it('takes or gives the request id the same way', async () => {
    const given = await pair({ 'x-request-id': 'caller-id.1' });
    expect(header(given.edge, 'x-request-id')).toBe('caller-id.1');
    expect(header(given.routed, 'x-request-id')).toBe('caller-id.1');
    // An id that could forge log lines is replaced by a fresh time-ordered UUID on both.
    const unsafe = await pair({ 'x-request-id': 'not an id; level=error' });
    for (const r of [unsafe.edge, unsafe.routed]) {
      expect(header(r, 'x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    }
  });

  it('reports the same rate-limit bucket in the same headers', async () => {
    const { routed, edge } = await pair({});
    const limits = (r: Raw) => r.headers.filter(([name]) => name.startsWith('x-ratelimit-'));
    expect(limits(edge).map(([name]) => name)).toEqual(limits(routed).map(([name]) => name));
    expect(header(edge, 'x-ratelimit-limit')).toBe('1000');
    expect(header(routed, 'x-ratelimit-limit')).toBe('1000');
    expect(Number(header(edge, 'x-ratelimit-remaining'))).toBe(
      Number(header(routed, 'x-ratelimit-remaining')) - 1,
    );
    expect(header(edge, 'x-ratelimit-reset')).toMatch(/^\d+$/);
  });

  it('gives the same ETag and the same 304', async () => {
    const { routed, edge } = await pair({});
    expect(header(edge, 'etag')).toBe(header(routed, 'etag'));
    const conditional = await pair({
      'if-none-match': header(routed, 'etag'),
      'x-request-id': 'c2',
    });
    expect(conditional.routed.status).toBe(304);
    expect(conditional.edge.status).toBe(304);
    expect(comparable(conditional.edge)).toEqual(comparable(conditional.routed));
  });

  it('writes the same completion line, field for field', async () => {
    await pair({ 'x-request-id': 'line', 'user-agent': 'parity/1' });
    const lines = () =>
      t.logs.records().filter((r) => r.request_id === 'line' && r.res !== undefined);
    expect(await eventually(() => lines().length === 2)).toBe(true);
    const [routed, edge] = lines();
    // Field order aside (pino-http binds the id and request first, on a child logger).
    const shape = (r: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([key]) => key !== 'time' && key !== 'duration_ms')
          .map(([key, value]) => [
            key,
            key === 'msg' ? String(value).replace(/ \d+ms/, '') : value,
          ]),
      );
    expect(shape(edge)).toEqual(shape(routed));
    expect(edge).toMatchObject({
      level: 'info',
      route: '/api/genes/:symbol',
      req: { method: 'GET', url: PATH, user_agent: 'parity/1' },
      res: { status_code: 200 },
    });
    expect(typeof edge.duration_ms).toBe('number');
  });
});

describe('response fast path under rate limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ listen: true, env: { RATE_LIMIT_PER_MINUTE: '3' } });
    await seedGenes(t.app, SCORING_DATASET);
  });
  afterAll(() => t.close());

  it('counts its answers and leaves the 429 to the routed path', async () => {
    const fastPath = t.app.get(ResponseFastPath);
    const path = '/api/genes/PKD1';
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(await get(t, path));
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((r) => header(r, 'x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(fastPath.served).toBe(2);
    const blocked = answers[3];
    expect(header(blocked, 'retry-after')).toMatch(/^\d+$/);
    expect(JSON.parse(blocked.body.toString()) as unknown).toMatchObject({
      error: { status: 429, code: 'RATE_LIMITED' },
    });
  });
});

describe('response fast path and cache invalidation across instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({ listen: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    await seedGenes(a.app, SCORING_DATASET);
    b = await createTestApp({
      listen: true,
      databaseUrl: a.database!.url,
      env: { RATE_LIMIT_PER_MINUTE: '100000' },
    });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('stops serving an entry once a write on either instance invalidates it', async () => {
    const total = (r: Raw) =>
      (JSON.parse(r.body.toString()) as { meta: { total_genes: number } }).meta.total_genes;
    const fastA = a.app.get(ResponseFastPath);
    const fastB = b.app.get(ResponseFastPath);
    const before = await get(b, '/api/genes');
    // Once an instance holds the entry in memory, a repeat is answered by its fast path
    // (eventually: a namespace clear still on its way from the other instance's start-up
    // work drops the first entry it took).
    for (const [app, fast] of [
      [a, fastA],
      [b, fastB],
    ] as const) {
      expect(
        await eventually(async () => {
          const served = fast.served;
          const res = await get(app, '/api/genes');
          return total(res) === total(before) && fast.served === served + 1;
        }, 15_000),
      ).toBe(true);
    }

    const { accessToken } = await loginAdmin(a);
    await a
      .http()
      .post('/api/genes')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ hgnc_id: 'HGNC:99999', approved_symbol: 'FASTPATH1' })
      .expect(201);

    // The score refresh clears the namespace on A and notifies B; both answer anew.
    for (const app of [a, b]) {
      expect(
        await eventually(
          async () => total(await get(app, '/api/genes')) === total(before) + 1,
          15_000,
        ),
      ).toBe(true);
    }
  });
});

describe('response fast path in front of Express', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      listen: true,
      env: { RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'true' },
    });
    await seedGenes(t.app, SCORING_DATASET);
  });
  afterAll(() => t.close());

  it('counts each forwarded client in its own bucket, as the routed path does', async () => {
    const fastPath = t.app.get(ResponseFastPath);
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const path = '/api/genes/PKD2';
    // Client A: the first answer is routed (and learned), the second is the fast path's.
    const a1 = await get(t, path, from('198.51.100.7'));
    const servedBefore = fastPath.served;
    const a2 = await get(t, path, from('198.51.100.7'));
    expect(fastPath.served).toBe(servedBefore + 1);
    // Client B starts with a full bucket even though A's is now empty.
    const b1 = await get(t, path, from('203.0.113.9'));
    expect(fastPath.served).toBe(servedBefore + 2);
    const a3 = await get(t, path, from('198.51.100.7'));
    expect([a1, a2, b1, a3].map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect([a1, a2, b1].map((r) => header(r, 'x-ratelimit-remaining'))).toEqual(['1', '0', '1']);

    const lineOf = () =>
      t.logs
        .records()
        .find((r) => r.res !== undefined && (r.req as { ip?: string }).ip === '203.0.113.9');
    expect(await eventually(() => lineOf() !== undefined)).toBe(true);
    expect(lineOf()).toMatchObject({ route: '/api/genes/:symbol', res: { status_code: 200 } });
  });

  it('leaves a GET with a body to the routed path, which parses (and rejects) it', async () => {
    const fastPath = t.app.get(ResponseFastPath);
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const path = '/api/genes/UMOD';
    await get(t, path, { 'x-forwarded-for': '192.0.2.1' });
    const servedBefore = fastPath.served;
    const body = '{"not json';
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'GET',
          // Node's client frames a GET body only when told its length.
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'x-forwarded-for': '192.0.2.1',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(fastPath.served).toBe(servedBefore);
    expect(status).toBe(400);
  });
});

describe('response fast path with CORS configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      listen: true,
      env: { RATE_LIMIT_PER_MINUTE: '100000', CORS_ORIGINS: 'https://curation.example.org' },
    });
    await seedGenes(t.app, SCORING_DATASET);
  });
  afterAll(() => t.close());

  it.each([
    ['from an allowed origin', { origin: 'https://curation.example.org' }],
    ['from another origin', { origin: 'https://elsewhere.example.com' }],
    ['without an Origin header', {}],
  ])('answers after the CORS middleware, with its headers, %s', async (_label, origin) => {
    const fastPath = t.app.get(ResponseFastPath);
    const path = '/api/genes/NPHS2';
    await get(t, path, origin);
    const routed = await get(t, path, { ...ROUTED, ...origin, 'x-request-id': 'cors' });
    const servedBefore = fastPath.served;
    const fast = await get(t, path, { ...origin, 'x-request-id': 'cors' });
    expect(fastPath.served).toBe(servedBefore + 1);
    expect(comparable(fast)).toEqual(comparable(routed));
    expect(fast.body.equals(routed.body)).toBe(true);
    expect(header(fast, 'vary')).toMatch(/Origin/);
  });
});
