import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

import { DataSource } from 'typeorm';

import { GenesRepository } from '../../../src/genes/genes.repository.js';
import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import { SourceProgressBus } from '../../../src/sources/upstream/progress.bus.js';
import {
  annotationRows,
  db,
  failureRows,
  FIXTURE_UPSTREAM_ENV,
  insertGenes,
  runAnnotation,
} from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/upstream/hgnc/${name}`, import.meta.url), 'utf8'),
  ) as { response: { docs: Record<string, unknown>[] } };

const send = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

/**
 * The annotation runner through the HGNC source: bulk complete set with the REST
 * fallback, no data, malformed docs, retries, scopes, versions, cancellation, one run
 * at a time, and the sources endpoint.
 */
describe('HGNC annotation and the annotation runner', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let admin: string;
  let ids: Record<string, number>;
  let completeSet = fixture('complete-set.json');
  /** Statuses the complete-set route answers before the real body, one per request. */
  let bulkFailures: { status: number; headers?: Record<string, string> }[] = [];
  /** Holds the complete-set answer until released (to keep a run in progress). */
  let gate: Promise<void> | null = null;

  beforeAll(async () => {
    await upstream.start();
    upstream.route('GET', '/hgnc_complete_set.json', async (_req, res) => {
      if (gate) {
        await gate;
      }
      const failure = bulkFailures.shift();
      if (failure) {
        return send(res, failure.status, 'unavailable', failure.headers);
      }
      send(res, 200, completeSet);
    });
    upstream.json('GET', '/fetch/hgnc_id/HGNC%3A2207', fixture('fetch-hgnc_id-2207.json'));
    upstream.json('GET', '/fetch/hgnc_id/HGNC%3A12559', fixture('fetch-empty.json'));
    t = await createTestApp({
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        HGNC_URL: upstream.baseUrl,
        HGNC_COMPLETE_SET_URL: `${upstream.baseUrl}/hgnc_complete_set.json`,
        ANNOTATION_CHUNK_SIZE: '2',
      },
    });
    admin = (await loginAdmin(t)).accessToken;
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'NPHS1', 'NPHS2', 'COL4A5', 'UMOD']);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const update = (query = '') =>
    t
      .http()
      .post(`/api/annotations/sources/hgnc/update${query}`)
      .set('Authorization', `Bearer ${admin}`);

  it('annotates from the complete set, falls back per gene, and records no data and failures', async () => {
    // NPHS2's doc is malformed: no symbol.
    const broken = structuredClone(completeSet);
    delete broken.response.docs.find((d) => d.hgnc_id === 'HGNC:13394')!.symbol;
    completeSet = broken;
    const res = await update().expect(200);
    expect(res.body.data).toMatchObject({
      source: 'hgnc',
      status: 'completed',
      version: '2024-06-03',
      genes_total: 6,
      updated: 4,
      no_data: 1,
      failed: 1,
      failures: [
        { gene_id: ids.NPHS2, symbol: 'NPHS2', reason: expect.stringMatching(/no symbol/) },
      ],
    });
    const rows = await annotationRows(t, 'hgnc');
    expect(rows.PKD1.annotations).toMatchObject({
      hgnc_id: 'HGNC:9008',
      ncbi_gene_id: '5310',
      ensembl_gene_id: 'ENSG00000008710',
      mane_select: {
        ensembl_transcript_id: 'ENST00000262304.10',
        refseq_transcript_id: 'NM_001009944.3',
      },
      uniprot_ids: ['P98161'],
      alias_symbol: ['PBP', 'Pc-1', 'TRPP1'],
      locus_type: 'gene with protein product',
    });
    // COL4A5 is not in the set: the REST fetch answered it.
    expect(rows.COL4A5).toMatchObject({
      status: 'data',
      annotations: { ncbi_gene_id: '1287', location: 'Xq22.3' },
    });
    expect(rows.UMOD).toMatchObject({ status: 'no_data', annotations: { no_data: true } });
    expect(rows.NPHS2).toBeUndefined();
    expect(await failureRows(t, 'hgnc')).toEqual({
      NPHS2: { reason: expect.stringMatching(/no symbol/), attempts: 1 },
    });
    // The summary and resolve endpoints read these rows.
    const summary = await t.http().get(`/api/annotations/genes/${ids.PKD1}/summary`).expect(200);
    expect(summary.body.summary).toMatchObject({
      ncbi_gene_id: '5310',
      ensembl_gene_id: 'ENSG00000008710',
    });
    const resolved = await t.http().get('/api/genes/resolve?query=ENSG00000008710').expect(200);
    expect(resolved.body.data.attributes.approved_symbol).toBe('PKD1');
  });

  it('lists the source with version, coverage, failures and the next due update', async () => {
    const res = await t.http().get('/api/annotations/sources').expect(200);
    // A bare array, as the original clients read it, with their field names beside ours.
    const hgnc = (res.body as Record<string, unknown>[]).find((s) => s.name === 'hgnc');
    expect(hgnc).toMatchObject({
      source_name: 'hgnc',
      is_active: true,
      update_frequency: 'every 7 days',
      last_update: hgnc!.last_updated,
      next_update: hgnc!.next_update_due,
      mode: 'bulk',
      version: '2024-06-03',
      update_interval_days: 7,
      genes_total: 6,
      genes_annotated: 4,
      no_data: 1,
      failed: 1,
      coverage: 0.833,
      running_run_id: null,
    });
    const last = Date.parse(hgnc!.last_updated as string);
    expect(Date.parse(hgnc!.next_update_due as string) - last).toBe(7 * 86_400_000);
  });

  it('scope failed retries exactly the failed genes and clears their failures', async () => {
    completeSet = fixture('complete-set.json');
    const result = await runAnnotation(t, 'hgnc', { scope: 'failed' });
    expect(result).toMatchObject({ status: 'completed', genes_total: 1, updated: 1, failed: 0 });
    expect(await failureRows(t, 'hgnc')).toEqual({});
    expect((await annotationRows(t, 'hgnc')).NPHS2.annotations).toMatchObject({
      symbol: 'NPHS2',
    });
  });

  it('scope missing annotates exactly the genes without a row', async () => {
    await db(t).query(`DELETE FROM gene_annotations WHERE source = 'hgnc' AND gene_id = $1`, [
      ids.PKD2,
    ]);
    const result = await runAnnotation(t, 'hgnc', { scope: 'missing' });
    expect(result).toMatchObject({ genes_total: 1, updated: 1 });
    expect(Object.keys(await annotationRows(t, 'hgnc')).sort()).toEqual(
      ['COL4A5', 'NPHS1', 'NPHS2', 'PKD1', 'PKD2', 'UMOD'].sort(),
    );
  });

  it('a new version replaces every row, leaving no orphans', async () => {
    const newer = structuredClone(completeSet);
    newer.response.docs[0].date_modified = '2025-01-07T00:00:00Z';
    completeSet = newer;
    const result = await runAnnotation(t, 'hgnc');
    expect(result).toMatchObject({ status: 'completed', version: '2025-01-07', genes_total: 6 });
    const versions = await db(t).query<{ version: string; n: number }[]>(
      `SELECT version, count(*)::int AS n FROM gene_annotations WHERE source = 'hgnc' GROUP BY 1`,
    );
    expect(versions).toEqual([{ version: '2025-01-07', n: 6 }]);
  });

  it('retries a 503 and a 429 with Retry-After, then succeeds', async () => {
    bulkFailures = [{ status: 503 }, { status: 429, headers: { 'Retry-After': '0' } }];
    const from = upstream.requests.length;
    const result = await runAnnotation(t, 'hgnc');
    expect(result).toMatchObject({ status: 'completed', failed: 0 });
    const bulk = upstream.requests.slice(from).filter((r) => r.url === '/hgnc_complete_set.json');
    expect(bulk).toHaveLength(3);
  });

  it('fails the run (storing nothing) when the complete set stays unavailable', async () => {
    bulkFailures = [{ status: 500 }, { status: 500 }, { status: 500 }];
    const before = await annotationRows(t, 'hgnc');
    const result = await runAnnotation(t, 'hgnc');
    expect(result).toMatchObject({ status: 'failed', version: null, updated: 0 });
    expect(result.error).toMatch(/failed after 3 attempts/);
    expect(await annotationRows(t, 'hgnc')).toEqual(before);
  });

  it('stops at the next chunk when the signal aborts, keeping what was stored', async () => {
    await db(t).query(`DELETE FROM gene_annotations WHERE source = 'hgnc'`);
    const abort = new AbortController();
    const unsubscribe = t.app.get(SourceProgressBus).subscribe((p) => {
      if (p.source === 'hgnc' && p.phase === 'storing' && p.processed === 2) {
        abort.abort();
      }
    });
    try {
      const result = await runAnnotation(t, 'hgnc', { signal: abort.signal });
      expect(result).toMatchObject({ status: 'cancelled', genes_total: 6, updated: 2 });
    } finally {
      unsubscribe();
    }
    expect(Object.keys(await annotationRows(t, 'hgnc'))).toHaveLength(2);
  });

  it('runs one at a time: a second request gets 409 with the run id', async () => {
    let release: () => void = () => undefined;
    gate = new Promise<void>((resolve) => (release = resolve));
    const first = runAnnotation(t, 'hgnc', { runId: 'run-held-by-test' });
    // The run registers itself before its first await; it then waits on the gate.
    try {
      const res = await update().expect(409);
      expect(res.body.error.code).toBe('CONFLICT');
      expect(res.body.error.details).toEqual({ run_id: 'run-held-by-test' });
    } finally {
      gate = null;
      release();
    }
    expect((await first).status).toBe('completed');
  });

  it('answers unknown sources with 404 and a bad scope with 400', async () => {
    const missing = await t
      .http()
      .post('/api/annotations/sources/nosuch/update')
      .set('Authorization', `Bearer ${admin}`)
      .expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    await update('?scope=everything').expect(400);
    await t.http().post('/api/annotations/sources/hgnc/update').expect(401);
  });

  it('serves the name, aliases and approved symbol HGNC gives a gene (issue 20)', async () => {
    // WT1 reported by a source under an old symbol, without a name.
    const id = (await t.app.get(GenesRepository).insertGeneIfAbsent({
      hgncId: 'HGNC:12796',
      symbol: 'WIT2',
      name: null,
      aliases: [],
      previousSymbols: [],
    }))!;
    const result = await runAnnotation(t, 'hgnc', { geneIds: [id] });
    expect(result).toMatchObject({ status: 'completed', updated: 1 });
    const detail = await t.http().get('/api/genes/WT1').expect(200);
    expect(detail.body.data.attributes).toMatchObject({
      approved_symbol: 'WT1',
      name: 'WT1 transcription factor',
      aliases: ['AWT1', 'GUD', 'NPHS4', 'WAGR', 'WIT-2', 'WT-1'],
      previous_symbols: ['WIT2'],
    });
    // The score view's copy of the symbol (lists sort by it) follows the rename.
    await t.app.get(ScoreRefresher).settled();
    const [view] = await t.app
      .get(DataSource)
      .query<{ approved_symbol: string }[]>(
        'SELECT approved_symbol FROM gene_scores WHERE gene_id = $1',
        [id],
      );
    expect(view?.approved_symbol).toBe('WT1');
    // Genes created under their approved symbol get the name and aliases too.
    const pkd1 = await t.http().get('/api/genes/PKD1').expect(200);
    expect(pkd1.body.data.attributes).toMatchObject({
      name: 'polycystin 1, transient receptor potential channel interacting',
      aliases: ['PBP', 'Pc-1', 'TRPP1'],
    });
  });
});
