import { readFileSync } from 'node:fs';

import { EvidenceWriter } from '../../../src/genes/evidence/evidence-writer.service.js';
import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import {
  type SourceProgress,
  SourceProgressBus,
} from '../../../src/sources/upstream/progress.bus.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import { runSource } from '../../support/sources.js';
import { eventually } from '../../support/wait.js';

const fixture = (path: string) =>
  readFileSync(new URL(`../../fixtures/upstream/${path}`, import.meta.url), 'utf8');

describe('ClinGen and GenCC runs against the fixture server, and the staging queue', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let admin: string;
  let curator: string;
  let clingenCalls = 0;
  let holdClingen: Promise<void> | null = null;
  const events: SourceProgress[] = [];

  beforeAll(async () => {
    await upstream.start();
    // The first ClinGen download fails with a 503: the run must retry and succeed.
    upstream.route('GET', '/kb/gene-validity/download', async (_req, res) => {
      clingenCalls += 1;
      if (holdClingen) {
        await holdClingen;
      }
      if (clingenCalls === 1) {
        res.writeHead(503, { 'retry-after': '0' });
        res.end('busy');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(fixture('clingen/gene-validity.csv'));
    });
    upstream.route('GET', '/download/action/submissions-export-tsv', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/tab-separated-values' });
      res.end(fixture('gencc/submissions-export.tsv'));
    });
    upstream.route('GET', '/empty.tsv', (_req, res) => {
      res.writeHead(200);
      res.end('gene_curie\tgene_symbol\tclassification_title\tdisease_title\n');
    });
    t = await createTestApp({
      env: {
        CLINGEN_URL: `${upstream.baseUrl}/kb/gene-validity/download`,
        GENCC_URL: `${upstream.baseUrl}/download/action/submissions-export-tsv`,
        UPSTREAM_BACKOFF_BASE_MS: '10',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=100',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    t.app.get(SourceProgressBus).subscribe((e) => events.push(e));
    admin = (await loginAdmin(t)).accessToken;
    curator = (await createUser(t, admin, 'curator')).accessToken;
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const run = (name: string, options: { force?: boolean; expect?: number } = { expect: 200 }) =>
    runSource(t, admin, name, options);

  it('runs ClinGen: retries the 503, stores one row per kidney gene, records the bad row', async () => {
    const res = await run('ClinGen');
    expect(res.body.data).toMatchObject({
      source: 'ClinGen',
      status: 'completed',
      rows: 13,
      genes: 9,
      added: 9,
      updated: 0,
      staged: 0,
      created_genes: 9,
      failed: 1,
    });
    expect(clingenCalls).toBe(2);
    expect(events.filter((e) => e.source === 'ClinGen').map((e) => e.phase)).toEqual([
      'fetching',
      'normalizing',
      'storing',
      'completed',
    ]);
    expect(new Set(events.map((e) => e.runId))).toEqual(new Set([res.body.data.run_id]));
    await t.app.get(ScoreRefresher).settled();
    const pkd1 = await t.http().get('/api/genes/PKD1').expect(200);
    // Definitive and Limited: the maximum counts.
    expect(pkd1.body.data.attributes.score_breakdown).toEqual({ ClinGen: 1 });
    const nphs2 = await t.http().get('/api/genes/NPHS2').expect(200);
    expect(nphs2.body.data.attributes.score_breakdown).toEqual({ ClinGen: 0 });
  });

  it('is idempotent: a second run updates the same rows from the cached download', async () => {
    const res = await run('clingen');
    expect(res.body.data).toMatchObject({
      status: 'completed',
      added: 0,
      updated: 9,
      created_genes: 0,
    });
    expect(clingenCalls).toBe(2);
    const forced = await run('ClinGen', { force: true, expect: 200 });
    expect(forced.body.data.updated).toBe(9);
    expect(clingenCalls).toBe(3);
  });

  it('refuses a second run of the same source while one is in flight, in any instance', async () => {
    let release!: () => void;
    holdClingen = new Promise((resolve) => (release = resolve));
    // The forced run blocks on the held download, so the second request certainly overlaps it.
    const first = run('ClinGen', { force: true });
    expect(await eventually(() => clingenCalls === 4)).toBe(true);
    const refused = await run('clingen', { expect: 409 });
    expect(refused.body.error).toMatchObject({
      code: 'CONFLICT',
      details: { run_id: expect.any(String) },
    });
    // A second instance on the same database is refused too, by the advisory lock.
    const other = await createTestApp({
      databaseUrl: t.database!.url,
      env: { CLINGEN_URL: `${upstream.baseUrl}/kb/gene-validity/download` },
    });
    try {
      const otherAdmin = (await loginAdmin(other)).accessToken;
      const elsewhere = await runSource(other, otherAdmin, 'ClinGen', { expect: 409 });
      expect(elsewhere.body.error).toMatchObject({
        code: 'CONFLICT',
        details: { run_id: (refused.body.error!.details as { run_id: string }).run_id },
      });
    } finally {
      await other.close();
    }
    holdClingen = null;
    release();
    expect((await first).status).toBe(200);
    // Once the first run has finished the source can run again.
    await run('ClinGen');
  });

  it('runs GenCC and stages the symbol it could not resolve', async () => {
    const res = await run('GenCC');
    // The one new gene is NPHS1; PKD1, NPHS2, GANAB and HNF1B came with ClinGen.
    expect(res.body.data).toMatchObject({
      status: 'completed',
      genes: 6,
      added: 5,
      staged: 1,
      created_genes: 1,
    });
    const pending = await t
      .http()
      .get('/api/staging')
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);
    expect(pending.body.data).toHaveLength(1);
    expect(pending.body.data[0]).toMatchObject({
      source_name: 'GenCC',
      original_text: 'NPHP1',
      reason: 'unknown',
      status: 'pending',
      priority: 80,
    });
    const stats = await t
      .http()
      .get('/api/staging/stats')
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);
    expect(stats.body.data).toEqual({
      totals: { pending: 1, approved: 0, rejected: 0 },
      pending_by_source: { GenCC: 1 },
    });
    // Re-running does not duplicate the pending entry.
    await run('GenCC');
    const again = await t
      .http()
      .get('/api/staging')
      .set('Authorization', `Bearer ${curator}`)
      .expect(200);
    expect(again.body.meta.total).toBe(1);
  });

  it('approving a staged symbol creates the gene and its evidence counts in the score', async () => {
    const [entry] = (await t.http().get('/api/staging').set('Authorization', `Bearer ${curator}`))
      .body.data as { id: number }[];
    await t.http().get('/api/genes/NPHP1').expect(404);
    const approved = await t
      .http()
      .post(`/api/staging/${entry.id}/approve`)
      .set('Authorization', `Bearer ${curator}`)
      .send({ hgnc_id: 'HGNC:7905', approved_symbol: 'NPHP1', notes: 'nephrocystin 1' })
      .expect(200);
    expect(approved.body.data).toMatchObject({ evidence: 'added', entry: { status: 'approved' } });
    await t.app.get(ScoreRefresher).settled();
    const gene = await t.http().get('/api/genes/NPHP1').expect(200);
    expect(gene.body.data.attributes.sources).toEqual(['GenCC']);
    expect(gene.body.data.attributes.score_breakdown).toEqual({ GenCC: 0.4 });
    expect(gene.body.data.attributes.evidence_score).toBeGreaterThan(0);
    const twice = await t
      .http()
      .post(`/api/staging/${entry.id}/approve`)
      .set('Authorization', `Bearer ${curator}`)
      .send({ gene_id: gene.body.data.id ? Number(gene.body.data.id) : 1 })
      .expect(409);
    expect(twice.body.error.code).toBe('CONFLICT');
  });

  it('rejects with a reason, validates input and keeps staging to curators', async () => {
    await t.http().get('/api/staging').expect(401);
    const viewer = (await createUser(t, admin, 'viewer')).accessToken;
    await t.http().get('/api/staging').set('Authorization', `Bearer ${viewer}`).expect(403);
    await t
      .http()
      .post('/api/staging/999999/reject')
      .set('Authorization', `Bearer ${curator}`)
      .send({ notes: 'x' })
      .expect(404);
    await t
      .http()
      .post('/api/staging/1/approve')
      .set('Authorization', `Bearer ${curator}`)
      .send({ hgnc_id: 'not-an-id' })
      .expect(400);
  });

  it('approves and rejects in bulk, reporting each entry on its own', async () => {
    // Three symbols no gene answers to, stored through the same path a source run uses.
    const staged = await t.app.get(EvidenceWriter).ingest(
      'GenCC',
      ['UMOD1X', 'NOTAGENE1', 'NOTAGENE2'].map((symbol) => ({
        symbol,
        hgncId: null,
        data: { submissions: [] },
        detail: `${symbol} submission`,
      })),
      { stagingPriority: 80 },
    );
    expect(staged.staged).toBe(3);
    const pending = (
      await t
        .http()
        .get('/api/staging?source=GenCC&limit=200')
        .set('Authorization', `Bearer ${curator}`)
        .expect(200)
    ).body.data as { id: number; original_text: string }[];
    const idOf = (text: string) => pending.find((p) => p.original_text === text)!.id;
    const umod = await t.http().get('/api/genes/UMOD').expect(200);

    const approved = await t
      .http()
      .post('/api/staging/bulk/approve')
      .set('Authorization', `Bearer ${curator}`)
      .send({
        items: [
          { id: idOf('UMOD1X'), gene_id: Number(umod.body.data.id) },
          { id: 999_999, gene_id: Number(umod.body.data.id) },
          { id: idOf('NOTAGENE1') },
        ],
      })
      .expect(200);
    expect(approved.body.meta).toEqual({ succeeded: 1, failed: 2 });
    expect(approved.body.data).toEqual([
      expect.objectContaining({ id: idOf('UMOD1X'), ok: true }),
      expect.objectContaining({
        id: 999_999,
        ok: false,
        error: expect.objectContaining({ status: 404 }),
      }),
      expect.objectContaining({
        id: idOf('NOTAGENE1'),
        ok: false,
        error: expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      }),
    ]);

    const rejected = await t
      .http()
      .post('/api/staging/bulk/reject')
      .set('Authorization', `Bearer ${curator}`)
      .send({ ids: [idOf('NOTAGENE1'), idOf('NOTAGENE2'), idOf('UMOD1X')], notes: 'not genes' })
      .expect(200);
    expect(rejected.body.meta).toEqual({ succeeded: 2, failed: 1 });
    expect(rejected.body.data[2]).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const left = (
      await t
        .http()
        .get('/api/staging?source=GenCC')
        .set('Authorization', `Bearer ${curator}`)
        .expect(200)
    ).body.data as { original_text: string }[];
    const stillPending = left.map((e) => e.original_text);
    for (const symbol of ['UMOD1X', 'NOTAGENE1', 'NOTAGENE2']) {
      expect(stillPending).not.toContain(symbol);
    }

    await t
      .http()
      .post('/api/staging/bulk/reject')
      .set('Authorization', `Bearer ${curator}`)
      .send({ ids: [], notes: 'x' })
      .expect(400);
    await t
      .http()
      .post('/api/staging/bulk/approve')
      .set('Authorization', `Bearer ${curator}`)
      .send({ items: [{ id: 'one' }] })
      .expect(400);
  });

  it('fails a run that yields no genes, and reports unknown sources', async () => {
    const t2 = await createTestApp({
      env: { GENCC_URL: `${upstream.baseUrl}/empty.tsv`, UPSTREAM_RATE_LIMITS: '127.0.0.1=100' },
    });
    try {
      const token = (await loginAdmin(t2)).accessToken;
      const res = await runSource(t2, token, 'GenCC', { expect: 200 });
      expect(res.body.data).toMatchObject({
        status: 'failed',
        genes: 0,
        error: expect.stringContaining('no kidney genes'),
      });
      const unknown = await t2
        .http()
        .post('/api/datasources/Nope/update')
        .set('Authorization', `Bearer ${token}`)
        .expect(404);
      expect(unknown.body.error.code).toBe('SOURCE_NOT_FOUND');
    } finally {
      await t2.close();
    }
  });
});
