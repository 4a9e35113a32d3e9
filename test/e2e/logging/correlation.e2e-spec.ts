import {
  correlationHeaders,
  currentContext,
  runWithContext,
} from '../../../src/common/request-context.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';
import { ProbeModule } from '../../support/probe.module.js';

describe('correlation ids', () => {
  let t: TestApp;
  const upstream = new FixtureServer();

  beforeAll(async () => {
    await upstream.start();
    upstream.json('GET', '/ping', { ok: true });
    t = await createTestApp({ imports: [ProbeModule] });
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('sends the request id to upstream services as X-Request-ID', async () => {
    await t
      .http()
      .get(`/__probe/outbound?url=${encodeURIComponent(`${upstream.baseUrl}/ping`)}`)
      .set('X-Request-ID', 'outbound-1')
      .expect(200, { status: 200 });
    expect(upstream.requests.at(-1)?.headers['x-request-id']).toBe('outbound-1');
  });

  it('tags lines of background work with its run id', async () => {
    await runWithContext({ runId: 'run-42' }, async () => {
      expect(correlationHeaders()).toEqual({ 'X-Request-ID': 'run-42' });
      expect(currentContext()?.runId).toBe('run-42');
      const { Logger } = await import('@nestjs/common');
      new Logger('PipelineProbe').log('stage started');
    });
    const line = t.logs.records().find((r) => r.msg === 'stage started');
    expect(line).toMatchObject({ run_id: 'run-42', context: 'PipelineProbe' });
  });
});
