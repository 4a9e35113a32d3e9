import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import type { SourceProgress } from '../../../src/sources/upstream/progress.bus.js';
import { SourceProgressBus } from '../../../src/sources/upstream/progress.bus.js';
import { UpstreamHttp } from '../../../src/sources/upstream/upstream-http.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import {
  type Article,
  type PubTatorSymbol,
  searchPages,
  seedPubTatorGenes,
  servePubTatorSearch,
} from '../../support/pubtator-fixture.js';
import { ARRIVAL_JITTER_MS, shortestWindowMs } from '../../support/rate.js';
import { runSource } from '../../support/sources.js';

type Symbol = PubTatorSymbol;

describe('PubTator3 against the fixture server', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let admin: string;
  /** The search results, 10 per page, in relevance order; tests change them between runs. */
  let articles: Article[] = [];
  /** Page numbers that answer 500 for now. */
  let failing = new Set<number>();
  let malformed = new Set<number>();

  const searchRequests = (from: number) => searchPages(upstream, from);

  beforeAll(async () => {
    await upstream.start();
    servePubTatorSearch(
      upstream,
      () => articles,
      (page, res) => {
        if (failing.has(page)) {
          res.writeHead(500);
          res.end('internal error');
          return true;
        }
        if (malformed.has(page)) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail: 'unexpected' }));
          return true;
        }
        return false;
      },
    );
    upstream.json('GET', '/esearch.fcgi', { esearchresult: { count: '0', idlist: [] } });
    t = await createTestApp({
      env: {
        PUBTATOR_URL: upstream.baseUrl,
        PUBTATOR_PAGES_PER_BATCH: '1',
        PUBTATOR_SMART_STOP_PAGES: '2',
        UPSTREAM_MAX_ATTEMPTS: '1',
        UPSTREAM_BREAKER_FAILURES: '1000',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=200',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    admin = (await loginAdmin(t)).accessToken;
    await seedPubTatorGenes(t.app);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const db = () => t.app.get<DataSource>(getDataSourceToken());

  const run = async (query = '') => {
    const res = await runSource(t, admin, 'PubTator', {
      force: query.includes('force_refresh'),
      expect: 200,
    });
    // Gene responses are cached until the scores refresh.
    await t.app.get(ScoreRefresher).settled();
    return res.body.data;
  };

  const pubtator = async (symbol: string) => {
    const res = await t.http().get(`/api/genes/${symbol}/evidence`).expect(200);
    return res.body.data.find(
      (e: { attributes: { source_name: string } }) => e.attributes.source_name === 'PubTator',
    )?.attributes.evidence_data as { pmids: string[]; publication_count: number } | undefined;
  };

  const checkpoint = async () =>
    (await db().query(`SELECT data FROM source_checkpoints WHERE source = 'PubTator'`))[0]?.data as
      { last_page: number } | undefined;

  it('reads every page, takes genes from the markup, and clears its checkpoint', async () => {
    // 25 articles over 3 pages; PKD1 in 13; NPHS1 named twice in each of its 3 counts once.
    articles = Array.from({ length: 25 }, (_, i) => ({
      pmid: 30000000 + i,
      score: 100 - i,
      genes:
        i % 2 === 0
          ? ['PKD1', 'PKD2']
          : i % 5 === 0
            ? []
            : i % 3 === 0
              ? ['NPHS1', 'NPHS1']
              : ['COL4A5'],
    }));
    const from = upstream.requests.length;
    const progress: SourceProgress[] = [];
    const unsubscribe = t.app
      .get(SourceProgressBus)
      .subscribe((p) => p.source === 'PubTator' && progress.push(p));
    const result = await run();
    unsubscribe();
    expect(result).toMatchObject({ status: 'completed', rows: 25, failed: 0, staged: 0 });
    expect(searchRequests(from)).toEqual([1, 2, 3]);
    // Pages done never exceed the pages there are, and the run ends at 3 of 3 (issue 20).
    expect(progress.filter((p) => p.total !== null && p.processed > p.total)).toEqual([]);
    expect(progress.at(-1)).toMatchObject({ phase: 'completed', processed: 3, total: 3 });
    const pkd1 = await pubtator('PKD1');
    expect(pkd1?.publication_count).toBe(13);
    expect(pkd1?.pmids).toContain('30000000');
    expect((await pubtator('NPHS1'))?.publication_count).toBe(3);
    expect((await pubtator('COL4A5'))?.publication_count).toBe(7);
    expect(await checkpoint()).toBeUndefined();
  });

  it('merges new publications into what earlier runs stored, and smart mode stops early', async () => {
    // A new, highly ranked article tops page 1; everything after it is known.
    articles = [{ pmid: 39999999, score: 500, genes: ['PKD1', 'UMOD'] }, ...articles];
    const from = upstream.requests.length;
    // force_refresh: the pages of the first run are still in the cache.
    const result = await run('?force_refresh=true');
    expect(result).toMatchObject({ status: 'completed', genes: 2 });
    // Page 1 brought news; pages 2 and 3 brought none: stop (2 quiet pages) before page 4.
    expect(searchRequests(from)).toEqual([1, 2, 3]);
    const pkd1 = await pubtator('PKD1');
    expect(pkd1?.publication_count).toBe(14);
    expect(pkd1?.pmids).toEqual(expect.arrayContaining(['30000000', '39999999']));
    expect((await pubtator('UMOD'))?.publication_count).toBe(1);
    // Nothing new at all is a completed run that changed nothing, not a failure.
    const again = await run('?force_refresh=true');
    expect(again).toMatchObject({ status: 'completed', genes: 0, added: 0, updated: 0 });
  });

  it('resumes an interrupted run from its checkpoint, recording skipped pages', async () => {
    await db().query(`DELETE FROM gene_evidence WHERE source_name = 'PubTator'`);
    articles = Array.from({ length: 50 }, (_, i) => ({
      pmid: 31000000 + i,
      score: 50 - i,
      genes: [(['PKD1', 'PKD2', 'NPHS2', 'UMOD', 'COL4A5'] as Symbol[])[Math.floor(i / 10)]],
    }));
    // Page 2 is malformed (recorded, not cached); pages 3-4 fail: after three pages in a
    // row the run stops. Nothing after page 1 was stored: the checkpoint stays at page 1.
    malformed = new Set([2]);
    failing = new Set([3, 4]);
    const first = await run('?force_refresh=true');
    expect(first.status).toBe('failed');
    expect(String(first.error)).toMatch(/3 pages in a row failed/);
    expect(await checkpoint()).toMatchObject({ last_page: 1 });
    expect((await pubtator('PKD1'))?.publication_count).toBe(10);
    malformed = new Set();
    failing = new Set();
    const from = upstream.requests.length;
    const second = await run();
    expect(second).toMatchObject({ status: 'completed', failed: 0 });
    expect(searchRequests(from)).toEqual([2, 3, 4, 5]);
    expect(await checkpoint()).toBeUndefined();
    for (const symbol of ['PKD1', 'PKD2', 'NPHS2', 'UMOD', 'COL4A5']) {
      expect([symbol, (await pubtator(symbol))?.publication_count]).toEqual([symbol, 10]);
    }
  });

  it('shares the NCBI rate limit with ClinVar-style calls', async () => {
    // A database of its own: on the shared one, the other app's worker could take the run.
    const limited = await createTestApp({
      env: {
        PUBTATOR_URL: upstream.baseUrl,
        PUBTATOR_MODE: 'full',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=3',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    try {
      articles = articles.slice(0, 30);
      const token = (await loginAdmin(limited)).accessToken;
      const from = upstream.requests.length;
      const http = limited.app.get(UpstreamHttp);
      const clinvar = Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          http.json({
            url: `${upstream.baseUrl}/esearch.fcgi?db=clinvar&term=gene${i}`,
            source: 'ClinVar',
            namespace: 'clinvar',
            ttl: 0,
          }),
        ),
      );
      await runSource(limited, token, 'PubTator', { force: true, expect: 200 });
      await clinvar;
      const times = upstream.requests
        .slice(from)
        .map((r) => r.at)
        .sort((a, b) => a - b);
      expect(times).toHaveLength(9);
      // Any 4 consecutive starts span at least a second: never more than 3 per second.
      expect(shortestWindowMs(times, 3)).toBeGreaterThanOrEqual(1000 - ARRIVAL_JITTER_MS);
    } finally {
      await limited.close();
    }
  });

  it('records an article whose gene mark it cannot read as a failure, keeping its other genes', async () => {
    articles = [
      { pmid: 30100000, score: 10, genes: ['PKD1'], extraMarkup: ' and @GENE_PKD2 @@@PKD2@@@' },
      { pmid: 30100001, score: 9, genes: ['UMOD'] },
    ];
    const result = await run('force_refresh');
    expect(result).toMatchObject({ status: 'completed', rows: 2, failed: 1 });
    expect(result.failures).toEqual([
      expect.objectContaining({
        reason: expect.stringContaining('PMID 30100000): unreadable gene mark @GENE_PKD2'),
      }),
    ]);
    expect((await pubtator('PKD1'))?.pmids).toContain('30100000');
  });
});
