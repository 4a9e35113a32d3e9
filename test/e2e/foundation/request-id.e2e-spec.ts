import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { ProbeModule } from '../../support/probe.module.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids and redaction', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('echoes a caller-supplied X-Request-ID', async () => {
    const res = await t.http().get('/health/live').set('X-Request-ID', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('replaces an unsafe X-Request-ID with a generated one', async () => {
    const res = await t
      .http()
      .get('/health/live')
      .set('X-Request-ID', 'bad id\twith spaces')
      .expect(200);
    expect(res.headers['x-request-id']).toMatch(UUID_V7);
  });

  it('generates ids that sort in the order the requests came', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await t.http().get('/health/live').expect(200);
      ids.push(String(res.headers['x-request-id']));
    }
    for (const id of ids) {
      expect(id).toMatch(UUID_V7);
    }
    expect([...ids].sort()).toEqual(ids);
  });

  it('tags every line of a request, service lines included, with its id', async () => {
    await t
      .http()
      .post('/__probe/log')
      .set('X-Request-ID', 'trace-me-1')
      .send({ gene: 'PKD1' })
      .expect(201);
    const lines = t.logs.records().filter((r) => r.request_id === 'trace-me-1');
    const messages = lines.map((r) => r.msg);
    expect(messages).toContain('probe service saw a payload');
    expect(messages).toContainEqual(expect.stringMatching(/^POST \/__probe\/log 201 \d+ms$/));
    const completion = lines.find((r) => typeof r.duration_ms === 'number');
    expect(completion).toMatchObject({
      req: { method: 'POST', url: '/__probe/log' },
      res: { status_code: 201 },
    });
  });

  it('never writes secrets to the log, at any depth, nor credentials from headers', async () => {
    await t
      .http()
      .post('/__probe/log?token=query-secret-1')
      .set('Authorization', 'Bearer header-secret-2')
      .set('Cookie', 'refresh_token=cookie-secret-3')
      .send({
        user: 'ada',
        password: 'body-secret-4',
        nested: { deep: { apiKey: 'body-secret-5' } },
      })
      .expect(201);
    const text = t.logs.text();
    expect(text).toContain('ada');
    for (const secret of [
      'query-secret-1',
      'header-secret-2',
      'cookie-secret-3',
      'body-secret-4',
      'body-secret-5',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[REDACTED]');
  });
});
