import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { UpstreamHttp } from '../../src/sources/upstream/upstream-http.service.js';
import { startBenchContext } from './bench-app.js';
import type { BenchTable } from './report.js';
import { fmt } from './stats.js';

const CASES = [
  { perSecond: 3, requests: 31 },
  { perSecond: 10, requests: 101 },
];

/** Achieved start rate per domain with work queued, against the configured limit. */
export async function upstreamBenchmark(): Promise<BenchTable> {
  const starts: number[] = [];
  const server = createServer((_req, res) => {
    starts.push(performance.now());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rows: (string | number)[][] = [];
  try {
    for (const c of CASES) {
      const ctx = await startBenchContext({
        UPSTREAM_RATE_LIMITS: `127.0.0.1=${c.perSecond}`,
        UPSTREAM_CONCURRENCY: '8',
      });
      try {
        const http = ctx.app.get(UpstreamHttp);
        starts.length = 0;
        await Promise.all(
          Array.from({ length: c.requests }, (_, i) =>
            http.json({
              url: `${base}/item/${i}`,
              source: i % 2 ? 'PubTator' : 'ClinVar',
              namespace: 'http',
              ttl: 0,
            }),
          ),
        );
        const achieved = ((starts.length - 1) / (starts.at(-1)! - starts[0])) * 1000;
        rows.push([c.perSecond, c.requests, fmt(achieved, 2), fmt(achieved / c.perSecond, 3)]);
      } finally {
        await ctx.close();
      }
    }
  } finally {
    server.close();
  }
  return {
    title: 'Upstream: achieved per-domain request rate with work queued',
    description:
      'All requests queued at once from two sources sharing one domain (as PubTator and ClinVar share ' +
      'NCBI), against a local HTTP server; rate = (requests − 1) ÷ time between first and last start. ' +
      'Goal: ≥ 90% of the configured limit, never above it.',
    columns: ['limit req/s', 'requests', 'achieved req/s', 'achieved ÷ limit'],
    rows,
  };
}
