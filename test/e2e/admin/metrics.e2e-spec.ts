import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { runSource } from '../../support/sources.js';

const SCRAPE_TOKEN = 'metrics-scrape-token-0123456789';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the Prometheus text format: every line is a comment or a sample. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') {
      continue;
    }
    const type =
      /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) {
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(
      line,
    );
    if (!sample) {
      throw new Error(`not a Prometheus exposition line: ${line}`);
    }
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[m[1]] = m[2]!;
    }
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

describe('GET /metrics', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: SCRAPE_TOKEN } });
    admin = (await loginAdmin(t)).accessToken;
  });
  afterAll(() => t?.close());

  it('is readable by admins and the scraper token only, refusals in the error envelope', async () => {
    const anonymous = await t.http().get('/metrics').expect(401);
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
    const wrong = await t
      .http()
      .get('/metrics')
      .set('Authorization', 'Bearer not-the-token')
      .expect(401);
    expect(wrong.body.error).toBeDefined();
    const viewer = await createUser(t, admin, 'curator');
    const refused = await t
      .http()
      .get('/metrics')
      .set('Authorization', `Bearer ${viewer.accessToken}`)
      .expect(403);
    expect(refused.body.error.code).toBe('INSUFFICIENT_ROLE');
    await t.http().get('/metrics').set('Authorization', `Bearer ${admin}`).expect(200);
    const scraped = await t
      .http()
      .get('/metrics')
      .set('Authorization', `Bearer ${SCRAPE_TOKEN}`)
      .expect(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('a rotated token applies at once; the old one stops working', async () => {
    const rotated = 'rotated-scrape-token-abcdefghij';
    await t
      .http()
      .put('/api/admin/settings/metrics.token')
      .set('Authorization', `Bearer ${admin}`)
      .send({ value: rotated, reason: 'rotation' })
      .expect(200);
    await t.http().get('/metrics').set('Authorization', `Bearer ${rotated}`).expect(200);
    await t.http().get('/metrics').set('Authorization', `Bearer ${SCRAPE_TOKEN}`).expect(401);
    await t
      .http()
      .put('/api/admin/settings/metrics.token')
      .set('Authorization', `Bearer ${admin}`)
      .send({ value: SCRAPE_TOKEN })
      .expect(200);
  });

  it('parses and carries every listed series', async () => {
    // A source run (from the offline snapshot on loopback): upstream requests and a run.
    await runSource(t, admin, 'ClinGen', { expect: 200 });
    await t.http().get('/api/genes').expect(200);
    await t.http().get('/api/genes').expect(200);
    await t.http().get('/api/genes/NOPE1').expect(404);
    const res = await t
      .http()
      .get('/metrics')
      .set('Authorization', `Bearer ${SCRAPE_TOKEN}`)
      .expect(200);
    const { types, samples } = parseExposition(res.text);
    const has = (name: string, labels: Record<string, string> = {}) =>
      samples.some(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );

    expect(types.get('kgdb_http_request_duration_seconds')).toBe('histogram');
    expect(
      has('kgdb_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/genes',
        status: '200',
      }),
    ).toBe(true);
    expect(
      has('kgdb_http_request_duration_seconds_bucket', {
        route: '/api/genes/:symbol',
        status: '404',
        le: '+Inf',
      }),
    ).toBe(true);
    expect(has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    for (const layer of ['l1', 'l2']) {
      for (const result of ['hit', 'miss']) {
        expect([
          layer,
          result,
          has('kgdb_cache_lookups_total', { namespace: 'genes', layer, result }),
        ]).toEqual([layer, result, true]);
      }
    }
    expect(
      samples.find(
        (s) =>
          s.name === 'kgdb_cache_lookups_total' &&
          s.labels.namespace === 'genes' &&
          s.labels.layer === 'l1' &&
          s.labels.result === 'hit',
      )?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(has('kgdb_cache_l1_entries', { kind: 'max' })).toBe(true);
    expect(types.get('kgdb_pipeline_runs')).toBe('gauge');
    expect(
      samples.find((s) => s.name === 'kgdb_pipeline_runs' && s.labels.status === 'completed')
        ?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(has('kgdb_pipeline_run_duration_seconds_max', { status: 'completed' })).toBe(true);
    const loopback = samples.find(
      (s) => s.name === 'kgdb_upstream_requests_total' && s.labels.domain === '127.0.0.1',
    );
    expect(loopback?.value).toBeGreaterThanOrEqual(1);
    expect(has('kgdb_upstream_errors_total', { domain: '127.0.0.1' })).toBe(true);
    expect(
      samples.find(
        (s) =>
          s.name === 'kgdb_upstream_circuit_state' &&
          s.labels.domain === '127.0.0.1' &&
          s.labels.state === 'closed',
      )?.value,
    ).toBe(1);
    expect(types.get('kgdb_pipeline_run_duration_seconds_sum')).toBe('gauge');
    for (const name of [
      'kgdb_upstream_requests_total',
      'kgdb_upstream_errors_total',
      'kgdb_upstream_circuit_state',
    ]) {
      expect([name, types.has(name)]).toEqual([name, true]);
    }
    for (const state of ['total', 'idle', 'waiting', 'max']) {
      expect([state, has('kgdb_db_pool_connections', { state })]).toEqual([state, true]);
    }
    expect(has('kgdb_log_writer_buffered_records')).toBe(true);
    expect(has('kgdb_log_writer_dropped_total')).toBe(true);
    expect(res.text).not.toContain(SCRAPE_TOKEN);
  });
});
