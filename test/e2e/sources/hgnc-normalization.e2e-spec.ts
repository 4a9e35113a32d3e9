import {
  EvidenceWriter,
  type IngestRecord,
} from '../../../src/genes/evidence/evidence-writer.service.js';
import { StagingService } from '../../../src/genes/staging/staging.service.js';
import { HgncNormalizer } from '../../../src/sources/normalization/hgnc-normalizer.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';

const envelope = (docs: unknown[]) => ({
  responseHeader: { status: 0, QTime: 1 },
  response: { numFound: docs.length, start: 0, docs },
});
const KMT2D = { hgnc_id: 'HGNC:7133', symbol: 'KMT2D', status: 'Approved' };
const KMT2B = { hgnc_id: 'HGNC:15840', symbol: 'KMT2B', status: 'Approved' };
const TMEM67 = {
  hgnc_id: 'HGNC:28396',
  symbol: 'TMEM67',
  name: 'transmembrane protein 67',
  status: 'Approved',
  alias_symbol: [],
  prev_symbol: ['MKS3'],
};

const record = (symbol: string, hgncId: string | null = null): IngestRecord => ({
  symbol,
  hgncId,
  data: { reported_as: symbol },
  detail: `${symbol} in test source`,
});

describe('HGNC normalization of symbols no local gene answers to', () => {
  const hgnc = new FixtureServer();
  let t: TestApp;

  beforeAll(async () => {
    await hgnc.start();
    // Batches of two, in sorted order: MKS3+MLL2, then NOTHING1+NPHP1.
    hgnc.json('GET', '/search/symbol/MKS3+OR+MLL2', envelope([]));
    hgnc.json(
      'GET',
      '/search/symbol/NOTHING1+OR+NPHP1',
      envelope([{ hgnc_id: 'HGNC:7905', symbol: 'NPHP1', score: 1 }]),
    );
    hgnc.json('GET', '/fetch/prev_symbol/MKS3', envelope([TMEM67]));
    // MLL2 is used for two genes: never resolved to the first hit.
    hgnc.json('GET', '/fetch/prev_symbol/MLL2', envelope([]));
    hgnc.json('GET', '/fetch/alias_symbol/MLL2', envelope([KMT2D, KMT2B]));
    hgnc.json('GET', '/fetch/prev_symbol/NOTHING1', envelope([]));
    hgnc.json('GET', '/fetch/alias_symbol/NOTHING1', envelope([]));
    t = await createTestApp({
      env: {
        HGNC_URL: hgnc.baseUrl,
        HGNC_NORMALIZE: 'true',
        HGNC_BATCH_SIZE: '2',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=100',
        UPSTREAM_BACKOFF_BASE_MS: '5',
        UPSTREAM_MAX_ATTEMPTS: '2',
      },
    });
    // PKD1 exists locally with its alias PBP, so PBP must never be looked up.
    await t.app.get(EvidenceWriter).ingest(
      'ClinGen',
      [
        {
          ...record('PKD1', 'HGNC:9008'),
          gene: { name: null, aliases: ['PBP'], previousSymbols: [] },
        },
      ],
      { stagingPriority: 95 },
    );
  });
  afterAll(async () => {
    await t.close();
    await hgnc.stop();
  });

  it('resolves approved symbols in batches, then previous symbols, and stages the rest', async () => {
    const normalizer = t.app.get(HgncNormalizer);
    const { records, report } = await normalizer.normalize('Literature', [
      record('nphp1 '),
      record('MKS3'),
      record('MLL2'),
      record('NOTHING1'),
      record('PBP'),
      record('not a symbol!'),
    ]);
    expect(report).toEqual({
      looked_up: 4,
      resolved: { symbol: 1, prev_symbol: 1, alias_symbol: 0 },
      ambiguous: ['MLL2'],
      error: null,
    });
    expect(records.map((r) => [r.symbol, r.hgncId])).toEqual([
      ['NPHP1', 'HGNC:7905'],
      ['TMEM67', 'HGNC:28396'],
      ['MLL2', null],
      ['NOTHING1', null],
      ['PBP', null],
      ['not a symbol!', null],
    ]);
    expect(records[1].gene).toEqual({
      name: 'transmembrane protein 67',
      aliases: [],
      previousSymbols: ['MKS3'],
    });
    expect(hgnc.requests.some((r) => r.url.includes('PBP'))).toBe(false);
    expect(hgnc.requests.every((r) => r.headers.accept === 'application/json')).toBe(true);

    const stored = await t.app
      .get(EvidenceWriter)
      .ingest('Literature', records, { stagingPriority: 60 });
    expect(stored).toMatchObject({ created_genes: 2, added: 3, staged: 3 });
    const staged = await t.app
      .get(StagingService)
      .list({ status: 'pending', source: 'Literature', limit: 50, offset: 0 });
    expect(staged.rows.map((r) => r.original_text).sort()).toEqual([
      'MLL2',
      'NOTHING1',
      'not a symbol!',
    ]);
    const tmem67 = await t.http().get('/api/genes/resolve?query=mks3').expect(200);
    expect(tmem67.body.data.attributes).toMatchObject({
      approved_symbol: 'TMEM67',
      hgnc_id: 'HGNC:28396',
    });
  });

  it('answers repeated lookups from the cache instead of calling HGNC again', async () => {
    hgnc.json('GET', '/search/symbol/MLL2+OR+NOTHING1', envelope([]));
    const before = hgnc.requests.length;
    const { report } = await t.app
      .get(HgncNormalizer)
      .normalize('Literature', [record('MLL2'), record('NOTHING1')]);
    expect(report.ambiguous).toEqual(['MLL2']);
    // Only the new batch search went out; every per-term fetch was cached.
    expect(hgnc.requests.slice(before).map((r) => r.url)).toEqual([
      '/search/symbol/MLL2+OR+NOTHING1',
    ]);
  });

  it('survives HGNC failing or answering nonsense: the records are staged, the error reported', async () => {
    hgnc.route('GET', '/search/symbol/BROKEN1', (_req, res) => {
      res.writeHead(500);
      res.end('internal error');
    });
    hgnc.json('GET', '/search/symbol/WEIRD1', { unexpected: true });
    const normalizer = t.app.get(HgncNormalizer);
    const down = await normalizer.normalize('Literature', [record('BROKEN1')]);
    expect(down.report.error).toEqual(expect.any(String));
    expect(down.records).toEqual([record('BROKEN1')]);
    expect(hgnc.requests.filter((r) => r.url === '/search/symbol/BROKEN1')).toHaveLength(2);
    const odd = await normalizer.normalize('Literature', [record('WEIRD1')]);
    expect(odd.report.error).toContain('response.docs');
    expect(odd.records[0].hgncId).toBeNull();
  });
});
