import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { GenesRepository } from '../../src/genes/genes.repository.js';
import { startBenchDatabase } from './bench-app.js';
import { startHttpApp } from './http-app.js';
import type { BenchTable } from './report.js';
import { fmt, percentile } from './stats.js';

/** How long the fixture ClinVar takes to answer one esearch. */
const ANSWER_MS = 250;
const GENES = 60;
const REPEATS = 3;
/** Requests the run has made before the pause or cancel is sent. */
const STOP_AFTER = 10;

interface Arrival {
  symbol: string;
  at: number;
}

/**
 * Pause, cancel and resume of a ClinVar annotation run (one esearch per gene) at the
 * default upstream settings (5 requests/s, 4 in flight, chunks of 100 genes) against a
 * loopback E-utilities stand-in that answers after 250 ms. Pause and cancel are sent
 * after 10 requests; "settled" is when the run's source no longer shows running. The
 * baseline is one upstream answer: settling within it means no request started after
 * the stop and only the ones in flight finished.
 */
export async function pipelineControlBenchmark(): Promise<BenchTable> {
  const arrivals: Arrival[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/einfo.fcgi') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ einforesult: { dbinfo: [{ lastupdate: '2026/11/30 04:10' }] } }));
      return;
    }
    arrivals.push({
      symbol: (url.searchParams.get('term') ?? '').replace(/\[gene\]$/i, ''),
      at: performance.now(),
    });
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ esearchresult: { count: '0', retmax: '0', idlist: [] } }));
    }, ANSWER_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = await startBenchDatabase();
  const app = await startHttpApp(db.url, {
    UPSTREAM_MODE: 'live',
    CLINVAR_EUTILS_URL: base,
    LOG_LEVEL: 'warn',
  });
  try {
    const genes = app.app.get(GenesRepository);
    for (let i = 0; i < GENES; i++) {
      await genes.insertGeneIfAbsent({
        hgncId: `HGNC:${980001 + i}`,
        symbol: `KGBENCH${i + 1}`,
        name: null,
        aliases: [],
        previousSymbols: [],
      });
    }
    const sql = app.app.get<DataSource>(getDataSourceToken());
    const login = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'Bench-Admin-Passw0rd' }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers: auth,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as {
        data: { id: string; status: string; source_runs: { status: string }[] };
      };
      if (!res.ok) {
        throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      }
      return json.data;
    };
    const run = (id: string) => call('GET', `/api/annotations/pipeline/runs/${id}`);
    const until = async (id: string, done: (r: Awaited<ReturnType<typeof run>>) => boolean) => {
      for (;;) {
        if (done(await run(id))) {
          return performance.now();
        }
        await sleep(10);
      }
    };
    const startRun = async () => {
      const from = arrivals.length;
      const { id } = await call('POST', '/api/annotations/pipeline/update', {
        sources: ['clinvar'],
        force: true,
      });
      while (arrivals.length - from < STOP_AFTER) {
        await sleep(5);
      }
      return id;
    };

    const pause = { settled: [] as number[], after: [] as number[], again: [] as number[] };
    for (let i = 0; i < REPEATS; i++) {
      const id = await startRun();
      const sent = performance.now();
      await call('POST', `/api/annotations/pipeline/runs/${id}/pause`);
      const settled = await until(id, (r) => r.source_runs[0]?.status === 'paused');
      pause.settled.push(settled - sent);
      await sleep(1000);
      pause.after.push(arrivals.filter((a) => a.at > sent).length);
      const stored = new Set(
        (
          await sql.query<{ symbol: string }[]>(
            `SELECT g.approved_symbol AS symbol FROM gene_annotations a JOIN genes g ON g.id = a.gene_id
             WHERE a.source = 'clinvar' AND a.source_metadata->>'run_id' = $1`,
            [id],
          )
        ).map((r) => r.symbol),
      );
      const resumedAt = arrivals.length;
      await call('POST', `/api/annotations/pipeline/runs/${id}/resume`);
      await until(id, (r) => ['completed', 'failed', 'cancelled'].includes(r.status));
      if ((await run(id)).status !== 'completed') {
        throw new Error(`resumed run ${id} did not complete`);
      }
      pause.again.push(arrivals.slice(resumedAt).filter((a) => stored.has(a.symbol)).length);
    }

    const cancel = { settled: [] as number[], after: [] as number[] };
    for (let i = 0; i < REPEATS; i++) {
      const id = await startRun();
      const sent = performance.now();
      await call('POST', `/api/annotations/pipeline/runs/${id}/cancel`);
      const settled = await until(id, (r) => r.status === 'cancelled');
      cancel.settled.push(settled - sent);
      await sleep(1000);
      cancel.after.push(arrivals.filter((a) => a.at > sent).length);
    }

    const row = (action: string, m: { settled: number[]; after: number[]; again?: number[] }) => {
      const sorted = [...m.settled].sort((a, b) => a - b);
      const worst = sorted.at(-1)!;
      return [
        action,
        m.settled.length,
        fmt(percentile(sorted, 50), 0),
        fmt(worst, 0),
        ANSWER_MS,
        fmt(worst / ANSWER_MS, 2),
        Math.max(...m.after),
        m.again ? Math.max(...m.again) : '—',
      ];
    };
    return {
      title: 'Pipeline control: pause, cancel and resume mid-chunk',
      description:
        `A ClinVar annotation run over ${GENES} genes (one esearch each) at the default upstream settings ` +
        `(5 requests/s, 4 in flight, chunks of 100 genes) against a loopback stand-in answering after ${ANSWER_MS} ms; ` +
        `pause or cancel is sent after ${STOP_AFTER} requests, ${REPEATS} times each. Settled = the source no longer ` +
        'shows running (pause) or the run is cancelled. Baseline: one upstream answer. Goals: settled ≤ 2,000 ms, ' +
        'no request started after the stop beyond those in flight, 0 genes asked again on resume.',
      columns: [
        'action',
        'runs',
        'settled p50 ms',
        'settled worst ms',
        'one answer ms',
        'worst ÷ one answer',
        'requests arriving after the stop (max)',
        'genes asked again on resume (max)',
      ],
      rows: [row('pause, then resume', pause), row('cancel', cancel)],
    };
  } finally {
    await app.close();
    await db.stop();
    server.close();
  }
}
