import { UpstreamHttp } from '../../../src/sources/upstream/upstream-http.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';
import { ARRIVAL_JITTER_MS, shortestWindowMs } from '../../support/rate.js';

describe('a domain rate limit shared by every instance', () => {
  const upstream = new FixtureServer();
  const apps: TestApp[] = [];

  beforeAll(async () => {
    await upstream.start();
    upstream.json('GET', '/esearch.fcgi', { esearchresult: { idlist: [] } });
    const first = await createTestApp({ env: { UPSTREAM_RATE_LIMITS: '127.0.0.1=5' } });
    apps.push(first);
    apps.push(
      await createTestApp({
        databaseUrl: first.database!.url,
        env: { UPSTREAM_RATE_LIMITS: '127.0.0.1=5' },
      }),
    );
  });
  afterAll(async () => {
    for (const app of apps) {
      await app.close();
    }
    await upstream.stop();
  });

  it('keeps two instances calling one host together within the one limit', async () => {
    const from = upstream.requests.length;
    await Promise.all(
      apps.flatMap((app, n) =>
        Array.from({ length: 6 }, (_, i) =>
          app.app.get(UpstreamHttp).json({
            url: `${upstream.baseUrl}/esearch.fcgi?db=clinvar&term=instance${n}gene${i}`,
            source: 'ClinVar',
            namespace: 'clinvar',
            ttl: 0,
          }),
        ),
      ),
    );
    const times = upstream.requests
      .slice(from)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(times).toHaveLength(12);
    // Any 6 consecutive starts span at least a second: never more than 5 per second.
    expect(shortestWindowMs(times, 5)).toBeGreaterThanOrEqual(1000 - ARRIVAL_JITTER_MS);
  });
});
