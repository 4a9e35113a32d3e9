import { setTimeout as sleep } from 'node:timers/promises';

import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import {
  type Article,
  pmidsByGene,
  PUBTATOR_GENES,
  type PubTatorSymbol,
  searchPages,
  seedPubTatorGenes,
  servePubTatorSearch,
} from '../../support/pubtator-fixture.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

describe('database outage during reads and writes', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let curator: string;
  // Straight to the server, not through the proxy the test cuts.
  const sql = testDb(() => db.url);

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
    t = await createTestApp({
      databaseUrl: proxy.urlThrough(db.url),
      env: {
        DB_CONNECT_TIMEOUT_MS: '500',
        DB_STATEMENT_TIMEOUT_MS: '3000',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    await seedGenes(t.app, SCORING_DATASET.slice(0, 2));
    const admin = await loginAdmin(t);
    curator = (await createUser(t, admin.accessToken, 'curator')).accessToken;
  });
  afterAll(async () => {
    await sql.close();
    await t.close();
    await proxy.stop();
    await db.drop();
  });

  const geneCount = () => sql.count('genes');

  it('answers 503 in the envelope while cut, stays up, loses and duplicates nothing, then recovers', async () => {
    const before = await geneCount();
    proxy.cut();

    const read = await t.http().get('/api/genes?filter[hide_zero_scores]=false&page[size]=7');
    expect([read.status, read.body.error?.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
    const write = await t
      .http()
      .post('/api/genes')
      .set('Authorization', `Bearer ${curator}`)
      .send({ hgnc_id: 'HGNC:11630', approved_symbol: 'HNF1B' });
    // The access guard needs the database too; either way the answer is a clean 503.
    expect([write.status, write.body.error?.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
    expect(write.headers['retry-after']).toBe('5');
    await t.http().get('/health/live').expect(200);
    await t.http().get('/health/ready').expect(503);

    proxy.restore();
    // A probe polls; under load the first ping after the cut can still meet a connection
    // the pool has not yet dropped, so readiness is asked until it answers (bounded).
    let lastReady: unknown;
    const ready = await eventually(async () => {
      const res = await t.http().get('/health/ready');
      lastReady = res.body;
      return res.status === 200;
    }, 15_000);
    expect({ ready, lastReady }).toMatchObject({ ready: true });
    const retried = await t
      .http()
      .post('/api/genes')
      .set('Authorization', `Bearer ${curator}`)
      .send({ hgnc_id: 'HGNC:11630', approved_symbol: 'HNF1B' })
      .expect(201);
    expect(retried.body.data.attributes.approved_symbol).toBe('HNF1B');
    expect(await geneCount()).toBe(before + 1);
    const list = await t.http().get('/api/genes?filter[hide_zero_scores]=false').expect(200);
    expect(list.body.meta.total).toBe(before + 1);
  });
});

describe('database outage during a pipeline run', () => {
  const upstream = new FixtureServer();
  const articles: Article[] = Array.from({ length: 80 }, (_, i) => ({
    pmid: 35000000 + i,
    score: 100 - i,
    genes: [(Object.keys(PUBTATOR_GENES) as PubTatorSymbol[])[i % 6]],
  }));
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  const sql = testDb(() => db.url);

  beforeAll(async () => {
    await upstream.start();
    servePubTatorSearch(
      upstream,
      () => articles,
      async () => {
        await sleep(150);
        return false;
      },
    );
    db = await createTestDatabase();
    proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
    t = await createTestApp({
      databaseUrl: proxy.urlThrough(db.url),
      env: {
        DB_CONNECT_TIMEOUT_MS: '500',
        DB_STATEMENT_TIMEOUT_MS: '3000',
        PUBTATOR_URL: upstream.baseUrl,
        PUBTATOR_MODE: 'full',
        PUBTATOR_PAGES_PER_BATCH: '1',
        PIPELINE_LEASE_SECONDS: '2',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=500',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    await seedPubTatorGenes(t.app);
  });
  afterAll(async () => {
    await sql.close();
    await t.close();
    await proxy.stop();
    await db.drop();
    await upstream.stop();
  });

  it('resumes the interrupted run once the database is back, losing and duplicating nothing', async () => {
    const admin = (await loginAdmin(t)).accessToken;
    const started = await t
      .http()
      .post('/api/annotations/pipeline/update')
      .set('Authorization', `Bearer ${admin}`)
      .send({ sources: ['PubTator'] })
      .expect(202);
    const runId = started.body.data.id as string;
    expect(await eventually(() => searchPages(upstream).length >= 3, 20_000)).toBe(true);
    proxy.cut();
    await sleep(3000);
    proxy.restore();
    let run = { status: '', attempts: 0 };
    const ended = await eventually(async () => {
      run = await sql.one<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM pipeline_runs WHERE id = $1',
        [runId],
      );
      return ['completed', 'failed', 'cancelled'].includes(run.status);
    }, 60_000);
    expect([ended, run.status]).toEqual([true, 'completed']);
    expect(run.attempts).toBeGreaterThanOrEqual(2);
    const rows = await sql.rows<{ symbol: string; pmids: string[] }>(
      `SELECT g.approved_symbol AS symbol, e.evidence_data -> 'pmids' AS pmids
       FROM gene_evidence e JOIN genes g ON g.id = e.gene_id
       WHERE e.source_name = 'PubTator' ORDER BY 1`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.symbol, r.pmids]))).toEqual(pmidsByGene(articles));
  });
});
