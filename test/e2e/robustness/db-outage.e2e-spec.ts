import pg from 'pg';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

describe('database outage during reads and writes', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let curator: string;

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
    await t.close();
    await proxy.stop();
    await db.drop();
  });

  async function geneCount(): Promise<number> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM genes')).rows[0].n;
    } finally {
      await client.end();
    }
  }

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
    await t.http().get('/health/ready').expect(200);
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
