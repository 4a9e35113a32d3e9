import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

import { EvidenceWriter } from '../../../src/genes/evidence/evidence-writer.service.js';
import { GenesRepository } from '../../../src/genes/genes.repository.js';
import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import {
  annotationRows,
  db,
  FIXTURE_UPSTREAM_ENV,
  runAnnotation,
} from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/upstream/string/${name}`, import.meta.url), 'utf8');
const INFO_PATH = '/download/protein.info.v12.0/9606.protein.info.v12.0.txt.gz';
const LINKS_PATH =
  '/download/protein.physical.links.v12.0/9606.protein.physical.links.v12.0.txt.gz';

/**
 * Genes with their ClinGen classification: with ClinGen the only source, a gene's
 * evidence percentage is the classification weight × 100 (Definitive 100, Strong 80,
 * Moderate 60, Limited 40); COL4A5 has no evidence, so it is no kidney gene.
 */
const GENES = [
  { symbol: 'PKD1', hgnc: 'HGNC:9008', clingen: 'Definitive', previous: [] },
  { symbol: 'PKD2', hgnc: 'HGNC:9009', clingen: 'Strong', previous: [] },
  { symbol: 'NPHS1', hgnc: 'HGNC:7908', clingen: 'Moderate', previous: [] },
  { symbol: 'NPHS2', hgnc: 'HGNC:13394', clingen: 'Limited', previous: [] },
  { symbol: 'TMEM67', hgnc: 'HGNC:28396', clingen: 'Strong', previous: ['MKS3'] },
  { symbol: 'WT1', hgnc: 'HGNC:12796', clingen: 'Limited', previous: [] },
  { symbol: 'UMOD', hgnc: 'HGNC:12559', clingen: 'Moderate', previous: [] },
  { symbol: 'COL4A5', hgnc: 'HGNC:2207', clingen: null, previous: [] },
] as const;

type Body = { text: string } | { bytes: Buffer };

describe('STRING PPI annotation against the fixture server', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  const ids: Record<string, number> = {};
  let info: Body;
  let links: Body;
  /** Answers served before the file, one per request, per path. */
  let failures: Record<string, { status: number; headers?: Record<string, string> }[]>;
  /** Links: cut the connection after half the bytes this many times; or hang after half. */
  let cutLinks = 0;
  let hangLinks = false;
  let firstRun: string;

  const bytesOf = (body: Body) => ('bytes' in body ? body.bytes : gzipSync(body.text));
  const serve = (path: string, body: () => Body) =>
    upstream.route('GET', path, (_req, res: ServerResponse) => {
      const failure = failures[path]?.shift();
      if (failure) {
        res.writeHead(failure.status, failure.headers ?? {});
        return void res.end('busy');
      }
      const bytes = bytesOf(body());
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': bytes.length });
      if (path === LINKS_PATH && (cutLinks > 0 || hangLinks)) {
        res.write(bytes.subarray(0, bytes.length >> 1));
        if (hangLinks) {
          return;
        }
        cutLinks -= 1;
        return void setTimeout(() => res.destroy(), 20);
      }
      res.end(bytes);
    });

  const stored = () => annotationRows(t, 'string_ppi');
  const runIds = async () =>
    (
      await db(t).query<{ run_id: string }[]>(
        `SELECT DISTINCT source_metadata->>'run_id' AS run_id FROM gene_annotations WHERE source = 'string_ppi'`,
      )
    ).map((r) => r.run_id);
  const requestsTo = (path: string) => upstream.requests.filter((r) => r.url === path).length;

  beforeAll(async () => {
    await upstream.start();
    serve(INFO_PATH, () => info);
    serve(LINKS_PATH, () => links);
    t = await createTestApp({
      env: { ...FIXTURE_UPSTREAM_ENV, STRING_URL: `${upstream.baseUrl}/download/` },
    });
    const genes = t.app.get(GenesRepository);
    for (const g of GENES) {
      await genes.insertGeneIfAbsent({
        hgncId: g.hgnc,
        symbol: g.symbol,
        name: null,
        aliases: [],
        previousSymbols: [...g.previous],
      });
      ids[g.symbol] = (await genes.findIdByHgncId(g.hgnc))!;
      if (g.clingen) {
        await t.app
          .get(EvidenceWriter)
          .upsertOne(ids[g.symbol], 'ClinGen', { classification: g.clingen }, null);
      }
    }
    t.app.get(ScoreRefresher).markDirty();
    await t.app.get(ScoreRefresher).settled();
  });
  beforeEach(() => {
    info = { text: fixture('protein.info.txt') };
    links = { text: fixture('physical.links.txt') };
    failures = {};
    cutLinks = 0;
    hangLinks = false;
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('scores kidney genes from their kidney partners, keeping every interaction', async () => {
    const result = await runAnnotation(t, 'string_ppi');
    firstRun = result.run_id;
    expect(result).toMatchObject({
      status: 'completed',
      version: '12.0',
      genes_total: 8,
      updated: 6,
      no_data: 2,
      failed: 0,
    });
    const rows = await stored();
    // PKD2 999 (its isoform's 700 loses) × 80 = 79.92; NPHS1 500 × 60 = 30; NPHS2's 350
    // is under the minimum; the isoform-to-isoform link is the gene with itself.
    // (79.92 + 30) / √2 = 77.7252.
    expect(rows.PKD1).toMatchObject({ version: '12.0', status: 'data' });
    expect(rows.PKD1.annotations).toEqual({
      string_version: '12.0',
      min_score: 400,
      string_proteins: ['9606.ENSP00000262304', '9606.ENSP00000399501'],
      mapped_by: 'symbol',
      ppi_score: 77.7252,
      ppi_degree: 2,
      ppi_percentile: 0.8,
      interactions: [
        {
          partner_symbol: 'PKD2',
          partner_gene_id: ids.PKD2,
          string_score: 999,
          partner_evidence: 80,
          weighted_score: 79.92,
        },
        {
          partner_symbol: 'NPHS1',
          partner_gene_id: ids.NPHS1,
          string_score: 500,
          partner_evidence: 60,
          weighted_score: 30,
        },
      ],
      summary: {
        total_interactions: 2,
        weighted_sum: 109.92,
        avg_string_score: 749.5,
        strong_interactions: 1,
      },
    });
    // ACTB is no gene here and COL4A5 has no evidence: neither is a partner.
    expect(rows.PKD2.annotations).toMatchObject({
      ppi_score: 99.9,
      ppi_degree: 1,
      ppi_percentile: 1,
      interactions: [{ partner_symbol: 'PKD1', string_score: 999, weighted_score: 99.9 }],
    });
    // (500 × 100 + 950 × 40) / 1000 / √2 and (950 × 60 + 420 × 80) / 1000 / √2.
    expect(rows.NPHS1.annotations).toMatchObject({ ppi_score: 62.2254, ppi_percentile: 0.4 });
    expect(rows.NPHS2.annotations).toMatchObject({
      ppi_score: 64.0639,
      ppi_percentile: 0.6,
      interactions: [
        { partner_symbol: 'NPHS1', weighted_score: 57 },
        { partner_symbol: 'TMEM67', weighted_score: 33.6 },
      ],
    });
    // STRING still calls TMEM67 by its previous symbol.
    expect(rows.TMEM67.annotations).toMatchObject({
      string_proteins: ['9606.ENSP00000312307'],
      mapped_by: 'previous_symbol',
      ppi_score: 16.8,
      ppi_percentile: 0.2,
    });
    // A protein without kidney partners: data, scored zero.
    expect(rows.WT1.annotations).toMatchObject({
      ppi_score: 0,
      ppi_degree: 0,
      ppi_percentile: 0,
      interactions: [],
      summary: { total_interactions: 0, weighted_sum: 0, strong_interactions: 0 },
    });
    expect(rows.UMOD).toMatchObject({
      status: 'no_data',
      annotations: { no_data: true, reason: 'STRING 12.0 has no protein named UMOD' },
    });
    expect(rows.COL4A5).toMatchObject({
      status: 'no_data',
      annotations: { reason: 'not a kidney gene (no evidence score)' },
    });
    // One download of each file for the whole run, not one per chunk.
    expect([requestsTo(INFO_PATH), requestsTo(LINKS_PATH)]).toEqual([1, 1]);
  });

  it('retries 5xx and 429 (Retry-After) and restarts a download cut off mid-body', async () => {
    failures = {
      [INFO_PATH]: [{ status: 503 }, { status: 429, headers: { 'Retry-After': '1' } }],
    };
    cutLinks = 1;
    const before = [requestsTo(INFO_PATH), requestsTo(LINKS_PATH)];
    const started = Date.now();
    const result = await runAnnotation(t, 'string_ppi');
    expect(result).toMatchObject({ status: 'completed', updated: 6, no_data: 2, failed: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect([requestsTo(INFO_PATH) - before[0], requestsTo(LINKS_PATH) - before[1]]).toEqual([3, 2]);
    expect((await stored()).PKD1.annotations).toMatchObject({ ppi_score: 77.7252 });
    firstRun = result.run_id;
  });

  it.each([
    [
      'a truncated gzip',
      () => {
        const whole = gzipSync(fixture('physical.links.txt'));
        links = { bytes: whole.subarray(0, whole.length - 12) };
      },
      /STRING physical links is not a complete gzip file/,
    ],
    [
      'a links line with two fields',
      () => {
        links = {
          text: fixture('physical.links.txt').replace(' 9606.ENSP00000368190 950', ' 950'),
        };
      },
      /STRING physical links line 13 is malformed/,
    ],
    [
      'a score that is not a number',
      () => {
        links = { text: fixture('physical.links.txt').replace(' 420\n', ' high\n') };
      },
      /STRING physical links line 14 is malformed/,
    ],
    [
      'an info file without its header',
      () => {
        info = { text: fixture('protein.info.txt').split('\n').slice(1).join('\n') };
      },
      /STRING protein info: expected a header/,
    ],
    [
      'a links file without its header',
      () => {
        links = { text: fixture('physical.links.txt').split('\n').slice(1).join('\n') };
      },
      /expected the header "protein1 protein2 combined_score"/,
    ],
    [
      'an info body that is not gzip',
      () => {
        info = { bytes: Buffer.from(fixture('protein.info.txt')) };
      },
      /STRING protein info is not a complete gzip file/,
    ],
  ])('fails the run on %s, storing nothing', async (_what, spoil, error) => {
    spoil();
    const before = await stored();
    const result = await runAnnotation(t, 'string_ppi');
    expect(result).toMatchObject({ status: 'failed', updated: 0, no_data: 0 });
    expect(result.error).toMatch(error);
    // Every row is still the previous run's, unchanged.
    expect(await runIds()).toEqual([firstRun]);
    expect(await stored()).toEqual(before);
  });

  it('stops a download in progress when the run is aborted, storing nothing', async () => {
    hangLinks = true;
    const abort = new AbortController();
    const linksBefore = requestsTo(LINKS_PATH);
    const running = runAnnotation(t, 'string_ppi', { signal: abort.signal });
    for (let i = 0; i < 500 && requestsTo(LINKS_PATH) === linksBefore; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(requestsTo(LINKS_PATH)).toBe(linksBefore + 1);
    // Half the file arrived; the rest never will.
    await new Promise((r) => setTimeout(r, 100));
    const abortedAt = Date.now();
    abort.abort();
    const result = await running;
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    expect(result).toMatchObject({ status: 'cancelled', updated: 0, failed: 0 });
    expect(result.error).toMatch(/stopped on request/);
    expect(await runIds()).toEqual([firstRun]);
  });

  it('reads a lower STRING_MIN_SCORE from the config', async () => {
    const low = await createTestApp({
      databaseUrl: t.database!.url,
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        STRING_URL: `${upstream.baseUrl}/download`,
        STRING_MIN_SCORE: '300',
      },
    });
    try {
      const result = await runAnnotation(low, 'string_ppi');
      expect(result).toMatchObject({ status: 'completed', updated: 6 });
      // PKD1–NPHS2 (350) now counts: (79.92 + 30 + 0.35 × 40) / √3.
      expect((await annotationRows(low, 'string_ppi')).PKD1.annotations).toMatchObject({
        min_score: 300,
        ppi_degree: 3,
        ppi_score: 71.5452,
      });
    } finally {
      await low.close();
    }
  });
});
