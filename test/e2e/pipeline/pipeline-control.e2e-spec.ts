import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { jest } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { GenesRepository } from '../../../src/genes/genes.repository.js';
import { PipelineRepository } from '../../../src/pipeline/pipeline.repository.js';
import { PipelineEvents } from '../../../src/pipeline/pipeline-events.service.js';
import { FIXTURE_UPSTREAM_ENV } from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import { eventually } from '../../support/wait.js';

/** Genes of this test only: ClinVar is asked once per gene (esearch by symbol). */
const GENES = Array.from({ length: 40 }, (_, i) => `KGCTL${i + 1}`);
const CONCURRENCY = 2;

interface SourceRun {
  source: string;
  status: string;
  phase: string | null;
  processed: number;
  total: number | null;
  updated: number;
  error: string | null;
}

interface Run {
  id: string;
  status: string;
  source_runs: SourceRun[];
}

const send = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * Pause and cancel act at once on a per-gene annotation source: no upstream request
 * starts after them (only those already in flight finish), the source shows the run's
 * state, and a resumed run continues after the genes it stored without asking again.
 */
describe('pipeline control of an annotation source mid-chunk', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let admin: string;
  const delayMs = 80;

  beforeAll(async () => {
    await upstream.start();
    upstream.json('GET', '/einfo.fcgi', {
      einforesult: { dbinfo: [{ dbname: 'clinvar', lastupdate: '2026/11/30 04:10' }] },
    });
    upstream.route('GET', '/esearch.fcgi', async (_req, res) => {
      await sleep(delayMs);
      send(res, { esearchresult: { count: '0', retmax: '0', retstart: '0', idlist: [] } });
    });
    t = await createTestApp({
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        CLINVAR_EUTILS_URL: upstream.baseUrl,
        UPSTREAM_RATE_LIMITS: '127.0.0.1=25',
        UPSTREAM_CONCURRENCY: String(CONCURRENCY),
      },
    });
    admin = (await loginAdmin(t)).accessToken;
    const genes = t.app.get(GenesRepository);
    for (const [i, symbol] of GENES.entries()) {
      await genes.insertGeneIfAbsent({
        hgncId: `HGNC:${990001 + i}`,
        symbol,
        name: null,
        aliases: [],
        previousSymbols: [],
      });
    }
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const as = () => ({ Authorization: `Bearer ${admin}` });
  const symbolOf = (url: string) =>
    new URL(url, 'http://x').searchParams.get('term')!.replace(/\[gene\]$/i, '');
  /** Genes the run stored a ClinVar row for. */
  const stored = async (runId: string) =>
    (
      await t.app.get<DataSource>(getDataSourceToken()).query<{ symbol: string }[]>(
        `SELECT g.approved_symbol AS symbol FROM gene_annotations a JOIN genes g ON g.id = a.gene_id
           WHERE a.source = 'clinvar' AND a.source_metadata->>'run_id' = $1`,
        [runId],
      )
    ).map((r) => r.symbol);
  const searches = () => upstream.requests.filter((r) => r.url.startsWith('/esearch.fcgi'));
  const get = async (id: string) =>
    (await t.http().get(`/api/annotations/pipeline/runs/${id}`).set(as()).expect(200)).body
      .data as Run;
  const start = async () =>
    (
      await t
        .http()
        .post('/api/annotations/pipeline/update')
        .set(as())
        .send({ sources: ['clinvar'], force: true })
        .expect(202)
    ).body.data as Run;

  it('pauses without starting another request, shows the source paused, and resumes after the stored genes', async () => {
    const from = searches().length;
    const processed: number[] = [];
    const phases: string[] = [];
    const unsubscribe = t.app.get(PipelineEvents).subscribe((event) => {
      if (event.type === 'progress' && event.source === 'clinvar') {
        processed.push(event.processed);
        phases.push(event.phase);
        expect(event.processed).toBeLessThanOrEqual(event.total ?? Infinity);
      }
    });
    const run = await start();
    expect(await eventually(() => searches().length - from >= 8, 20_000)).toBe(true);
    await t.http().post(`/api/annotations/pipeline/runs/${run.id}/pause`).set(as()).expect(200);
    // Only requests already in flight when the pause landed may still arrive.
    const atPause = searches().length;
    expect(
      await eventually(async () => (await get(run.id)).source_runs[0].status !== 'running', 10_000),
    ).toBe(true);
    await sleep(500);
    expect(searches().length - atPause).toBeLessThanOrEqual(CONCURRENCY);
    const paused = await get(run.id);
    expect(paused.status).toBe('paused');
    expect(paused.source_runs[0]).toMatchObject({ status: 'paused', phase: 'paused' });
    expect(phases).not.toContain('failed');
    const storedBeforeResume = await stored(run.id);
    expect(storedBeforeResume.length).toBeGreaterThan(0);
    expect(storedBeforeResume.length).toBeLessThan(GENES.length);
    const before = searches().length;

    await t.http().post(`/api/annotations/pipeline/runs/${run.id}/resume`).set(as()).expect(200);
    expect(await eventually(async () => (await get(run.id)).status === 'completed', 30_000)).toBe(
      true,
    );
    unsubscribe();
    const done = await get(run.id);
    expect(done.source_runs[0]).toMatchObject({ status: 'completed', processed: 40, total: 40 });
    // No gene stored before the pause is asked again, and none twice.
    const askedAfter = searches()
      .slice(before)
      .map((r) => symbolOf(r.url));
    expect(askedAfter.filter((symbol) => storedBeforeResume.includes(symbol))).toEqual([]);
    expect(new Set(askedAfter).size).toBe(askedAfter.length);
    expect(storedBeforeResume.length + askedAfter.length).toBe(GENES.length);
    expect((await stored(run.id)).length).toBe(GENES.length);
    // The counter continues where the pause left it: it never goes back.
    expect(processed.some((n, i) => i > 0 && n < processed[i - 1])).toBe(false);
  });

  it('cancels without starting another request and ends the source cancelled', async () => {
    const from = searches().length;
    const run = await start();
    expect(await eventually(() => searches().length - from >= 5, 20_000)).toBe(true);
    await t.http().post(`/api/annotations/pipeline/runs/${run.id}/cancel`).set(as()).expect(200);
    const atCancel = searches().length;
    expect(await eventually(async () => (await get(run.id)).status === 'cancelled', 10_000)).toBe(
      true,
    );
    await sleep(500);
    expect(searches().length - atCancel).toBeLessThanOrEqual(CONCURRENCY);
    expect((await get(run.id)).source_runs[0]).toMatchObject({ status: 'cancelled' });
  });

  it('a paused run cancelled before it resumes ends with its sources cancelled', async () => {
    const from = searches().length;
    const run = await start();
    expect(await eventually(() => searches().length - from >= 3, 20_000)).toBe(true);
    await t.http().post(`/api/annotations/pipeline/runs/${run.id}/pause`).set(as()).expect(200);
    expect(
      await eventually(async () => (await get(run.id)).source_runs[0].status === 'paused', 10_000),
    ).toBe(true);
    await t.http().post(`/api/annotations/pipeline/runs/${run.id}/cancel`).set(as()).expect(200);
    const ended = await get(run.id);
    expect(ended.status).toBe('cancelled');
    expect(ended.source_runs[0].status).toBe('cancelled');
  });

  it('records progress in the order it was made, whatever order its writes finish in', async () => {
    // Under load a progress write waits for a pool connection while later ones commit
    // (a resumed run once ended completed with 6 of 40 processed). Here the run's storing
    // progress is held until its completed progress has landed (or 1 s), and the source's
    // outcome until the held write has landed.
    const repository = t.app.get(PipelineRepository);
    const original = repository.updateSource.bind(repository);
    let completedLanded!: () => void;
    const completed = new Promise<void>((resolve) => (completedLanded = resolve));
    let held: Promise<void> | undefined;
    const spy = jest
      .spyOn(repository, 'updateSource')
      .mockImplementation(async (runId, source, fields) => {
        if (fields.whileRunning && fields.phase === 'storing' && !held) {
          held = Promise.race([completed, sleep(1000)]).then(() => original(runId, source, fields));
          return held;
        }
        if (fields.whileRunning && fields.phase === 'completed') {
          await original(runId, source, fields);
          completedLanded();
          return;
        }
        if (fields.finished) {
          await held;
        }
        return original(runId, source, fields);
      });
    try {
      const run = await start();
      expect(await eventually(async () => (await get(run.id)).status === 'completed', 30_000)).toBe(
        true,
      );
      expect(held).toBeDefined();
      expect((await get(run.id)).source_runs[0]).toMatchObject({
        status: 'completed',
        processed: GENES.length,
        total: GENES.length,
      });
    } finally {
      spy.mockRestore();
    }
  });
});
