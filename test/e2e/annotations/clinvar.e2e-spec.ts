import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

import { CacheService } from '../../../src/cache/cache.service.js';
import { loadConfig } from '../../../src/config/index.js';
import { UpstreamHttp } from '../../../src/sources/upstream/upstream-http.service.js';
import { UpstreamRateSlotsRepository } from '../../../src/sources/upstream/upstream-rate-slots.repository.js';
import {
  annotationRows,
  failureRows,
  FIXTURE_UPSTREAM_ENV,
  insertGenes,
  runAnnotation,
} from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/upstream/clinvar/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

/** The recorded PKD1 esummary record, re-classified per row of the table below. */
const RECORD = fixture('esummary-pkd1-4075751.json');

type Row = [description: string, reviewStatus: string, consequence: string];
/** Hand-worked PKD1 table; the expected counts below are computed from it by hand. */
const TABLE: Row[] = [
  ['Pathogenic', 'reviewed by expert panel', 'frameshift variant'],
  ['Pathogenic', 'criteria provided, single submitter', 'nonsense'],
  ['Pathogenic; risk factor', 'criteria provided, single submitter', 'nonsense'],
  ['Likely pathogenic', 'criteria provided, single submitter', 'missense variant'],
  [
    'Pathogenic/Likely pathogenic',
    'criteria provided, multiple submitters, no conflicts',
    'splice donor variant',
  ],
  [
    'Conflicting classifications of pathogenicity',
    'criteria provided, conflicting classifications',
    'missense variant',
  ],
  [
    'Conflicting classifications of pathogenicity; other',
    'criteria provided, conflicting classifications',
    'missense variant',
  ],
  ['Uncertain significance', 'criteria provided, single submitter', 'missense variant'],
  ['Uncertain significance', 'criteria provided, single submitter', 'intron variant'],
  [
    'Benign/Likely benign',
    'criteria provided, multiple submitters, no conflicts',
    'synonymous variant',
  ],
  ['Likely benign', 'no assertion criteria provided', 'intron variant'],
  ['not provided', 'no assertion criteria provided', 'intron variant'],
  ['risk factor', 'criteria provided, single submitter', 'missense variant'],
];
/** Benign synonymous filler, so PKD1 needs several esummary batches. */
const FILLER = 1000;

function record(uid: string, [description, review, consequence]: Row) {
  const germline = RECORD.germline_classification as Record<string, unknown>;
  return {
    ...RECORD,
    uid,
    molecular_consequence_list: [consequence],
    germline_classification: { ...germline, description, review_status: review },
  };
}

const send = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('ClinVar annotation against the fixture server', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let ids: Record<string, number>;
  const records = new Map<string, ReturnType<typeof record>>();
  const idsOf: Record<string, string[]> = { PKD1: [], PKD2: [], NPHS2: [], UMOD: [] };
  /** Per gene, statuses esearch answers before the real body. */
  const esearchFailures: Record<string, { status: number; headers?: object }[]> = {};
  let esummaryMalformed = false;

  beforeAll(async () => {
    TABLE.forEach((row, i) => {
      const uid = String(5_000_000 + i);
      records.set(uid, record(uid, row));
      idsOf.PKD1.push(uid);
    });
    for (let i = 0; i < FILLER; i++) {
      const uid = String(6_000_000 + i);
      records.set(
        uid,
        record(uid, ['Benign', 'criteria provided, single submitter', 'synonymous variant']),
      );
      idsOf.PKD1.push(uid);
    }
    // A variation spanning NPHS2 and UMOD is counted for both.
    records.set('7000000', record('7000000', TABLE[3]));
    records.set('7000001', record('7000001', TABLE[7]));
    idsOf.NPHS2 = ['7000000', '7000001'];
    idsOf.UMOD = ['7000001'];

    await upstream.start();
    upstream.json('GET', '/einfo.fcgi', fixture('einfo.json'));
    upstream.route('GET', '/esearch.fcgi', (req, res) => {
      const term = new URL(req.url!, 'http://x').searchParams.get('term')!;
      const symbol = term.replace('[gene]', '');
      const failure = esearchFailures[symbol]?.shift();
      if (failure) {
        return send(res, failure.status, { error: 'busy' }, failure.headers);
      }
      if (symbol === 'NPHS1') {
        return send(res, 200, { esearchresult: { ERROR: 'Invalid query syntax' } });
      }
      const list = idsOf[symbol] ?? [];
      send(res, 200, {
        header: { type: 'esearch', version: '0.3' },
        esearchresult: {
          count: String(list.length),
          retmax: String(list.length),
          retstart: '0',
          idlist: list,
          translationset: [],
          querytranslation: term,
        },
      });
    });
    upstream.route('GET', '/esummary.fcgi', (req, res) => {
      const wanted = new URL(req.url!, 'http://x').searchParams.get('id')!.split(',');
      if (esummaryMalformed) {
        return send(res, 200, { result: { note: 'truncated' } });
      }
      send(res, 200, {
        header: { type: 'esummary', version: '0.3' },
        result: {
          uids: wanted,
          ...Object.fromEntries(wanted.map((id) => [id, records.get(id)])),
        },
      });
    });
    t = await createTestApp({
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        CLINVAR_EUTILS_URL: upstream.baseUrl,
      },
    });
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'NPHS1', 'NPHS2', 'COL4A5', 'UMOD']);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('counts classifications by the documented rule, with retries, no data and failures', async () => {
    esearchFailures.NPHS2 = [{ status: 503 }];
    esearchFailures.UMOD = [{ status: 429, headers: { 'Retry-After': '0' } }];
    const from = upstream.requests.length;
    const result = await runAnnotation(t, 'clinvar');
    expect(result).toMatchObject({
      status: 'completed',
      version: '2025-05-06',
      genes_total: 6,
      updated: 3,
      no_data: 2,
      failed: 1,
      failures: [{ symbol: 'NPHS1', reason: expect.stringMatching(/Invalid query syntax/) }],
    });
    const rows = await annotationRows(t, 'clinvar');
    expect(rows.PKD1.annotations).toMatchObject({
      total_variants: 13 + FILLER,
      pathogenic_count: 3,
      likely_pathogenic_count: 2,
      vus_count: 2,
      likely_benign_count: 2,
      benign_count: FILLER,
      conflicting_count: 2,
      not_provided_count: 1,
      other_count: 1,
      combined_classes_count: 2,
      pathogenic_or_likely_pathogenic_count: 5,
      has_pathogenic: true,
      review_stars: { '0': 2, '1': 8 + FILLER, '2': 2, '3': 1, '4': 0 },
      high_confidence_count: 3,
      consequence_categories: {
        truncating: 3,
        splice: 1,
        missense: 5,
        synonymous: 1 + FILLER,
        noncoding: 3,
        inframe: 0,
        other: 0,
      },
      top_traits: [{ trait: 'Polycystic kidney disease, adult type', count: 13 + FILLER }],
      missing_summaries: 0,
    });
    expect(rows.NPHS2.annotations).toMatchObject({
      total_variants: 2,
      likely_pathogenic_count: 1,
      vus_count: 1,
    });
    expect(rows.UMOD.annotations).toMatchObject({ total_variants: 1, vus_count: 1 });
    expect(rows.PKD2).toMatchObject({ status: 'no_data' });
    expect(rows.COL4A5).toMatchObject({ status: 'no_data' });
    expect(await failureRows(t, 'clinvar')).toEqual({
      NPHS1: { reason: expect.stringMatching(/esearch error: Invalid query syntax/), attempts: 1 },
    });
    // esummary batches hold at most 500 ids; the shared variation was asked for once.
    const batches = upstream.requests
      .slice(from)
      .filter((r) => r.url.startsWith('/esummary.fcgi'))
      .map((r) => new URL(r.url, 'http://x').searchParams.get('id')!.split(','));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(500);
    expect(batches.flat()).toHaveLength(13 + FILLER + 2);
  });

  it('records a malformed esummary answer as a failure of the genes in that batch', async () => {
    esummaryMalformed = true;
    try {
      const result = await runAnnotation(t, 'clinvar', { geneIds: [ids.UMOD] });
      expect(result).toMatchObject({ status: 'failed', genes_total: 1, failed: 1 });
      expect(result.failures[0].reason).toMatch(/esummary: .*no result\.uids list/);
    } finally {
      esummaryMalformed = false;
    }
    // The stored row of the earlier run stays; the failure is on record for a retry.
    expect((await annotationRows(t, 'clinvar')).UMOD).toMatchObject({ status: 'data' });
    expect(Object.keys(await failureRows(t, 'clinvar')).sort()).toEqual(['NPHS1', 'UMOD']);
    const retry = await runAnnotation(t, 'clinvar', { scope: 'failed' });
    expect(retry).toMatchObject({ genes_total: 2, updated: 1, failed: 1 });
    expect(Object.keys(await failureRows(t, 'clinvar'))).toEqual(['NPHS1']);
  });

  it('uses the NCBI host, which shares its rate limit with PubTator', () => {
    const defaults = loadConfig({}, '/srv');
    const http = new UpstreamHttp(
      defaults,
      t.app.get(CacheService),
      t.app.get(UpstreamRateSlotsRepository),
    );
    const clinvar = new URL(defaults.sources.annotations.clinvar.url).hostname;
    const pubtator = new URL(defaults.sources.pubtator.url).hostname;
    expect(http.groupFor(clinvar)).toBe('ncbi.nlm.nih.gov');
    expect(http.groupFor(clinvar)).toBe(http.groupFor(pubtator));
  });
});
