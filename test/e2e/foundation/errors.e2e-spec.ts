import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { ProbeModule } from '../../support/probe.module.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('error envelope', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule], env: { BODY_LIMIT: '2kb' } });
  });
  afterAll(() => t.close());

  it('answers unknown routes with 404 in the envelope', async () => {
    const res = await t.http().get('/api/nothing-here?x=1').expect(404);
    expect(res.body).toEqual({
      error: {
        status: 404,
        code: 'ROUTE_NOT_FOUND',
        message: 'No route for GET /api/nothing-here',
        detail: 'No route for GET /api/nothing-here',
        request_id: res.headers['x-request-id'],
      },
    });
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('reports validation problems per field', async () => {
    const res = await t
      .http()
      .post('/__probe/echo')
      .send({ name: 42, count: 99, extra: true })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['count', 'extra', 'name']);
    expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
  });

  it('passes a valid body through', async () => {
    await t.http().post('/__probe/echo').send({ name: 'PKD1', count: 2 }).expect(201, {
      name: 'PKD1',
      count: 2,
    });
  });

  it('maps malformed JSON to 400', async () => {
    const res = await t
      .http()
      .post('/__probe/echo')
      .set('content-type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
  });

  it('maps an oversized body to 413', async () => {
    const res = await t
      .http()
      .post('/__probe/echo')
      .send({ name: 'x'.repeat(5000), count: 1 })
      .expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('maps domain errors to their status and code', async () => {
    const res = await t.http().get('/__probe/missing/HGNC:0').expect(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'Thing HGNC:0 not found' });
  });

  // The original clients show `error.detail` (auth store) instead of a fixed fallback text.
  it('repeats the message as error.detail in every kind of failure', async () => {
    const answers = await Promise.all([
      t.http().post('/__probe/echo').send({ name: 42, count: 99 }),
      t.http().post('/__probe/echo').set('content-type', 'application/json').send('{"name": '),
      t.http().get('/__probe/missing/HGNC:0'),
      t.http().get('/__probe/boom'),
      t.http().post('/api/auth/login').send({ username: 'nobody', password: 'wrong' }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([400, 400, 404, 500, 401]);
    for (const res of answers) {
      const error = res.body.error as { message: unknown; detail: unknown };
      expect(typeof error.message).toBe('string');
      expect(error.detail).toBe(error.message);
    }
    expect(answers[4].body.error.detail).toBe('Invalid username or password');
  });

  it('hides unexpected errors behind a 500 and logs them once', async () => {
    const res = await t.http().get('/__probe/boom').expect(500);
    expect(res.body.error).toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred',
    });
    expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
    const logged = t.logs
      .records()
      .filter((r) => r.msg === 'unhandled error' && r.request_id === res.body.error.request_id);
    expect(logged).toHaveLength(1);
  });
});
