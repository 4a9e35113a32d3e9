import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import WebSocket from 'ws';

import { PipelineRepository } from '../../../src/pipeline/pipeline.repository.js';
import { PipelineEvents } from '../../../src/pipeline/pipeline-events.service.js';
import { PipelineExecutor } from '../../../src/pipeline/pipeline-executor.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import {
  type Article,
  PUBTATOR_GENES,
  type PubTatorSymbol,
  searchPages,
  seedPubTatorGenes,
  servePubTatorSearch,
} from '../../support/pubtator-fixture.js';
import { eventually } from '../../support/wait.js';

/** 60 articles over 6 pages, each naming one gene; 10 per gene. */
const ARTICLES: Article[] = Array.from({ length: 60 }, (_, i) => ({
  pmid: 32000000 + i,
  score: 100 - i,
  genes: [(Object.keys(PUBTATOR_GENES) as PubTatorSymbol[])[i % 6]],
}));

interface Run {
  id: string;
  status: string;
  attempts: number;
  source_runs: { source: string; status: string; added: number; updated: number }[];
}

describe('pipeline runs', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let admin: string;
  /** Milliseconds each search page takes to answer. */
  let pageDelay = 0;
  /** Pages from this one on wait until `release` is called (0 = none wait). */
  let holdFrom = 0;
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  const hold = (fromPage: number) => {
    holdFrom = fromPage;
    gate = new Promise<void>((resolve) => (release = resolve));
  };
  const unhold = () => {
    holdFrom = 0;
    release();
  };

  beforeAll(async () => {
    await upstream.start();
    servePubTatorSearch(
      upstream,
      () => ARTICLES,
      async (page) => {
        if (holdFrom > 0 && page >= holdFrom) {
          await gate;
        }
        if (pageDelay > 0) {
          await sleep(pageDelay);
        }
        return false;
      },
    );
    t = await createTestApp({
      listen: true,
      env: {
        PUBTATOR_URL: upstream.baseUrl,
        PUBTATOR_MODE: 'full',
        PUBTATOR_PAGES_PER_BATCH: '1',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=500',
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
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  const start = (body: Record<string, unknown> = { sources: ['PubTator'] }) =>
    t.http().post('/api/annotations/pipeline/update').set(as(admin)).send(body);

  const get = async (id: string): Promise<Run> =>
    (await t.http().get(`/api/annotations/pipeline/runs/${id}`).set(as(admin)).expect(200)).body
      .data as Run;

  const until = async (id: string, status: string, timeoutMs = 20_000): Promise<Run> => {
    let run = await get(id);
    const reached = await eventually(async () => {
      run = await get(id);
      return run.status === status;
    }, timeoutMs);
    if (!reached) {
      throw new Error(`run ${id} is ${run.status}, not ${status}: ${JSON.stringify(run)}`);
    }
    return run;
  };

  const publications = async () =>
    Object.fromEntries(
      (
        await db().query<{ symbol: string; n: number }[]>(
          `SELECT g.approved_symbol AS symbol, jsonb_array_length(e.evidence_data -> 'pmids') AS n
           FROM gene_evidence e JOIN genes g ON g.id = e.gene_id
           WHERE e.source_name = 'PubTator' ORDER BY 1`,
        )
      ).map((r) => [r.symbol, r.n]),
    );

  const everyGeneHasTen = Object.fromEntries(Object.keys(PUBTATOR_GENES).map((g) => [g, 10]));

  it('runs a queued update to completion and answers 409 while the source is busy', async () => {
    pageDelay = 100;
    const res = await start().expect(202);
    const run = res.body.data as Run;
    expect(run).toMatchObject({ status: 'queued', source_runs: [{ source: 'PubTator' }] });
    const busy = await start().expect(409);
    expect(busy.body.error).toMatchObject({ code: 'CONFLICT', details: { run_id: run.id } });
    const trigger = await t
      .http()
      .post('/api/progress/trigger/pubtator')
      .set(as(admin))
      .expect(409);
    expect(trigger.body.error.details.run_id).toBe(run.id);
    const done = await until(run.id, 'completed');
    expect(done.source_runs[0]).toMatchObject({ status: 'completed', added: 6 });
    expect(await publications()).toEqual(everyGeneHasTen);
    // The source is free again.
    const again = await start().expect(202);
    await until(again.body.data.id, 'completed');
  });

  it('works on a run once when its start and the job queue reach it together', async () => {
    pageDelay = 50;
    // A queued run nobody has taken yet, reached by two callers in the same instant (the
    // start request's background call and the job queue's, say). Only one may take it.
    const id = randomUUID();
    await t.app.get(PipelineRepository).create({
      id,
      kind: 'source',
      sources: [{ name: 'PubTator', kind: 'evidence' }],
      geneIds: null,
      options: { force: false, scope: 'all' },
      requestedBy: { id: null, name: 'test' },
    });
    const executor = t.app.get(PipelineExecutor);
    await Promise.all([executor.execute(id), executor.execute(id)]);
    const done = await until(id, 'completed');
    expect(done.attempts).toBe(1);
    expect(done.source_runs[0]).toMatchObject({ status: 'completed', error: null });
  });

  it('rejects unknown sources and bad bodies with 4xx', async () => {
    expect((await start({ sources: ['Nope'] }).expect(404)).body.error.code).toBe(
      'SOURCE_NOT_FOUND',
    );
    expect((await start({ sources: 'PubTator' }).expect(400)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await start({ genes: ['NOTAGENE9'] }).expect(400)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    await t
      .http()
      .get('/api/annotations/pipeline/runs/00000000-0000-4000-8000-000000000000')
      .set(as(admin))
      .expect(404);
    await t.http().get('/api/annotations/pipeline/runs/not-a-uuid').set(as(admin)).expect(400);
  });

  it('pauses at the next safe point, keeps what was done, and resumes to the same result', async () => {
    await db().query(`DELETE FROM gene_evidence WHERE source_name = 'PubTator'`);
    pageDelay = 0;
    // Page 3 and later wait: the run is certainly mid-way when the pause lands.
    hold(3);
    const from = upstream.requests.length;
    const phases: string[] = [];
    const unsubscribe = t.app.get(PipelineEvents).subscribe((event) => {
      if (event.type === 'progress' && event.source === 'PubTator') {
        phases.push(event.phase);
      }
    });
    const run = (await start({ sources: ['PubTator'], force: true }).expect(202)).body.data as Run;
    expect(await eventually(() => searchPages(upstream, from).length >= 3, 15_000)).toBe(true);
    const paused = await t.http().post(`/api/progress/pause/PubTator`).set(as(admin)).expect(200);
    expect(paused.body.data.status).toBe('paused');
    expect(paused.body.status).toBe('paused');
    // The page in flight is abandoned; the worker lets go of the run.
    expect(
      await eventually(async () => (await get(run.id)).source_runs[0].status === 'paused', 10_000),
    ).toBe(true);
    const seen = searchPages(upstream, from).length;
    await sleep(1000);
    expect(searchPages(upstream, from).length).toBe(seen);
    expect((await get(run.id)).status).toBe('paused');
    // The original clients' tile shows it paused.
    const tile = await t.http().get('/api/progress/status/PubTator').set(as(admin)).expect(200);
    expect(tile.body.data).toMatchObject({ source_name: 'PubTator', status: 'paused' });
    // Progress says the source paused; it never reported a failure (issue 20).
    unsubscribe();
    expect(phases).not.toContain('failed');
    expect(phases.at(-1)).toBe('paused');
    // What was stored before the pause stays.
    expect(Object.values(await publications()).reduce((a, b) => a + b, 0)).toBe(20);
    // A paused run still holds its source.
    await start().expect(409);
    unhold();
    await t
      .http()
      .post(`/api/annotations/pipeline/runs/${run.id}/resume`)
      .set(as(admin))
      .expect(200);
    const done = await until(run.id, 'completed');
    expect(done.attempts).toBe(2);
    expect(await publications()).toEqual(everyGeneHasTen);
    // Resuming a completed run is refused.
    const refused = await t
      .http()
      .post(`/api/annotations/pipeline/runs/${run.id}/resume`)
      .set(as(admin))
      .expect(409);
    expect(refused.body.error.code).toBe('INVALID_STATE');
  });

  it('cancels a running run, records it, and frees the source', async () => {
    pageDelay = 0;
    hold(2);
    const from = upstream.requests.length;
    const run = (await start({ sources: ['PubTator'], force: true }).expect(202)).body.data as Run;
    expect(await eventually(() => searchPages(upstream, from).length >= 2, 15_000)).toBe(true);
    await t
      .http()
      .post(`/api/annotations/pipeline/runs/${run.id}/cancel`)
      .set(as(admin))
      .expect(200);
    const cancelled = await until(run.id, 'cancelled');
    expect(cancelled.source_runs[0].status).toBe('cancelled');
    unhold();
    const next = await start().expect(202);
    await until(next.body.data.id, 'completed');
    const list = await t
      .http()
      .get('/api/annotations/pipeline/runs?status=cancelled')
      .set(as(admin))
      .expect(200);
    expect(list.body.data.map((r: Run) => r.id)).toContain(run.id);
  });

  it('streams ordered progress over WebSocket to curators, and refuses others', async () => {
    const base = (await t.app.getUrl()).replace('http', 'ws').replace('[::1]', '127.0.0.1');
    const curator = (await createUser(t, admin, 'curator')).accessToken;
    const viewer = (await createUser(t, admin, 'viewer')).accessToken;
    const closeCode = (url: string) =>
      new Promise<number>((resolve) => new WebSocket(url).on('close', (code) => resolve(code)));
    expect(await closeCode(`${base}/api/progress/ws`)).toBe(4401);
    expect(await closeCode(`${base}/api/progress/ws?token=forged.token.value`)).toBe(4401);
    expect(await closeCode(`${base}/api/progress/ws?token=${viewer}`)).toBe(4403);

    const socket = new WebSocket(`${base}/api/progress/ws?token=${curator}`);
    const messages: { type: string; run_id?: string; seq?: number; status?: string }[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
    expect(await eventually(() => messages.length > 0)).toBe(true);
    expect(messages[0].type).toBe('snapshot');
    pageDelay = 20;
    const run = (await start({ sources: ['PubTator'], force: true }).expect(202)).body.data as Run;
    expect(
      await eventually(
        () => messages.some((m) => m.type === 'completed' && m.run_id === run.id),
        20_000,
      ),
    ).toBe(true);
    socket.close();
    const mine = messages.filter((m) => m.run_id === run.id && (m.seq ?? 0) > 0);
    expect(mine.some((m) => m.type === 'progress')).toBe(true);
    expect(mine.at(-1)).toMatchObject({ type: 'completed', status: 'completed' });
    const seqs = mine.map((m) => m.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('delivers events of a run executing on another instance', async () => {
    const other = await createTestApp({
      databaseUrl: t.database!.url,
      listen: true,
      env: {
        PUBTATOR_URL: upstream.baseUrl,
        PUBTATOR_MODE: 'full',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=500',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    try {
      const base = (await other.app.getUrl()).replace('http', 'ws').replace('[::1]', '127.0.0.1');
      const socket = new WebSocket(`${base}/api/progress/ws?token=${admin}`);
      const messages: { type: string; run_id?: string }[] = [];
      socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
      expect(await eventually(() => messages.length > 0)).toBe(true);
      pageDelay = 0;
      // Started on the first instance, which runs it at once.
      const run = (await start({ sources: ['PubTator'], force: true }).expect(202)).body
        .data as Run;
      expect(
        await eventually(
          () => messages.some((m) => m.type === 'completed' && m.run_id === run.id),
          20_000,
        ),
      ).toBe(true);
      expect(messages.some((m) => m.type === 'progress' && m.run_id === run.id)).toBe(true);
      socket.close();
    } finally {
      await other.close();
    }
  });

  it('shows status and the dashboard to curators', async () => {
    const status = await t
      .http()
      .get('/api/annotations/pipeline/status')
      .set(as(admin))
      .expect(200);
    expect(status.body.data.sources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'PubTator',
          last: expect.objectContaining({ status: 'completed' }),
        }),
      ]),
    );
    // What the original Annotations page reads, beside ours: one entry per annotation source.
    expect(status.body.pipeline_ready).toBe(status.body.data.active_runs.length === 0);
    const hgnc = (status.body.sources as { source: string }[]).find((s) => s.source === 'hgnc');
    expect(hgnc).toMatchObject({ is_active: true, update_frequency: expect.any(String) });
    expect(typeof (hgnc as { update_due?: unknown }).update_due).toBe('boolean');
    expect(status.body.updates_due).toEqual(
      (status.body.sources as { source: string; update_due: boolean }[])
        .filter((s) => s.update_due)
        .map((s) => s.source),
    );
    const one = await t.http().get('/api/progress/status/pubtator').set(as(admin)).expect(200);
    expect(one.body.data).toMatchObject({
      source: 'PubTator',
      active_run_id: null,
      // The original clients' fields, beside ours.
      source_name: 'PubTator',
      status: 'completed',
      category: 'data_source',
      progress_percentage: 100,
      last_error: null,
    });
    expect(one.body.data.items_processed).toBeGreaterThan(0);
    const dashboard = await t.http().get('/api/progress/dashboard').set(as(admin)).expect(200);
    expect(dashboard.body.data.recent_runs.length).toBeGreaterThan(0);
    expect(dashboard.body.data.summary).toMatchObject({
      total_sources: dashboard.body.data.sources.length,
      running: 0,
    });
    expect(dashboard.body.data.summary.completed).toBeGreaterThan(0);
    // Pausing a source nothing runs leaves it as asked; an unknown source is still 404.
    const idle = await t.http().post('/api/progress/pause/PubTator').set(as(admin)).expect(200);
    expect(idle.body).toEqual({ status: 'not_running', data: null });
    await t.http().post('/api/progress/pause/NoSuchSource').set(as(admin)).expect(404);
    await t.http().post('/api/progress/resume/PubTator').set(as(admin)).expect(404);
  });
});
