import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { FirstStartIngestion } from '../../../src/pipeline/first-start-ingestion.service.js';
import { sourceConcurrency } from '../../../src/pipeline/pipeline-executor.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';

describe('a pipeline group larger than the connection pool', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Four connections: nine annotation sources share run order 10 in the first start.
    t = await createTestApp({
      env: { SNAPSHOT_INGEST_ON_START: 'true', DB_POOL_SIZE: '4', RATE_LIMIT_PER_MINUTE: '100000' },
    });
    await t.app.get(FirstStartIngestion).done;
  });
  afterAll(() => t.close());

  it('runs its sources a few at a time, so the first start completes and requests are served meanwhile', async () => {
    const ds = t.app.get<DataSource>(getDataSourceToken());
    const [run] = await ds.query<{ status: string; failed: number }[]>(
      `SELECT r.status, (SELECT count(*)::int FROM pipeline_run_sources s
                         WHERE s.run_id = r.id AND s.status NOT IN ('completed', 'completed_with_errors')) AS failed
       FROM pipeline_runs r WHERE r.kind = 'initial' ORDER BY r.created_at DESC LIMIT 1`,
    );
    expect(run).toEqual({ status: 'completed', failed: 0 });
    const sources = await ds.query<{ source: string }[]>(
      `SELECT DISTINCT source FROM gene_annotations ORDER BY source`,
    );
    expect(sources.length).toBeGreaterThanOrEqual(10);
    await t.http().get('/api/genes').expect(200);
  });

  it('leaves two connections for requests and gives each running source two', () => {
    expect(sourceConcurrency(10)).toBe(4);
    expect(sourceConcurrency(4)).toBe(1);
    expect(sourceConcurrency(1)).toBe(1);
    expect(sourceConcurrency(40)).toBe(19);
  });
});
