import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from '../../../src/database/free-port.js';
import { TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from '../../support/app-factory.js';
import { type AppProcess, spawnApp, waitForStatus } from '../../support/app-process.js';
import { FixtureServer } from '../../support/fixture-server.js';
import {
  type Article,
  pmidsByGene,
  PUBTATOR_GENES,
  type PubTatorSymbol,
  searchPages,
  servePubTatorSearch,
} from '../../support/pubtator-fixture.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

/** 80 articles over 8 pages, each naming one gene. */
const ARTICLES: Article[] = Array.from({ length: 80 }, (_, i) => ({
  pmid: 33000000 + i,
  score: 100 - i,
  genes: [(Object.keys(PUBTATOR_GENES) as PubTatorSymbol[])[i % 6]],
}));

/** The fields these calls read from the JSON answers. */
interface ApiBody {
  access_token?: string;
  data: { id?: string; status?: string; attempts?: number };
}

describe('a pipeline run survives its process being killed', () => {
  const upstream = new FixtureServer();
  let database: TestDatabase;
  const db = testDb(() => database.url);
  let app: AppProcess | undefined;
  let port: number;
  let env: Record<string, string>;

  beforeAll(async () => {
    await upstream.start();
    servePubTatorSearch(
      upstream,
      () => ARTICLES,
      async () => {
        await sleep(250);
        return false;
      },
    );
    database = await createTestDatabase();
    port = await freePort();
    env = {
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      PUBTATOR_URL: upstream.baseUrl,
      PUBTATOR_MODE: 'full',
      PUBTATOR_PAGES_PER_BATCH: '1',
      PIPELINE_LEASE_SECONDS: '2',
      UPSTREAM_RATE_LIMITS: '127.0.0.1=500',
      HGNC_NORMALIZE: 'false',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGKILL');
      await app.exited;
    }
    await db.close();
    await database.drop();
    await upstream.stop();
  });

  async function call(method: string, path: string, token?: string, body?: unknown) {
    const res = await fetch(`${app!.baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as ApiBody };
  }

  it('resumes after SIGKILL and ends with the same evidence as an uninterrupted run', async () => {
    app = spawnApp(env, port);
    await waitForStatus(app, '/health/ready');
    const login = await call('POST', '/api/auth/login', undefined, {
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
    });
    const token = login.body.access_token!;
    for (const [symbol, ids] of Object.entries(PUBTATOR_GENES)) {
      const created = await call('POST', '/api/genes', token, {
        hgnc_id: ids.hgnc,
        approved_symbol: symbol,
      });
      expect(created.status).toBe(201);
    }
    const started = await call('POST', '/api/annotations/pipeline/update', token, {
      sources: ['PubTator'],
    });
    expect(started.status).toBe(202);
    const runId = started.body.data.id!;
    // A progress check, not a timing one: the bound only keeps a stuck run from hanging the
    // suite, and a miss prints the child's log so the cause is visible.
    const progressed = await eventually(() => searchPages(upstream).length >= 3, 60_000);
    if (!progressed) {
      throw new Error(`run made no progress:\n${app.output().slice(-8000)}`);
    }
    app.child.kill('SIGKILL');
    await app.exited;
    const before = searchPages(upstream).length;
    expect(before).toBeLessThan(8);

    app = spawnApp(env, port);
    await waitForStatus(app, '/health/ready');
    const again = (
      await call('POST', '/api/auth/login', undefined, {
        username: 'admin',
        password: TEST_ADMIN_PASSWORD,
      })
    ).body.access_token!;
    let run: ApiBody['data'] = {};
    const ended = await eventually(async () => {
      run = (await call('GET', `/api/annotations/pipeline/runs/${runId}`, again)).body.data;
      return ['completed', 'failed', 'cancelled'].includes(run.status ?? '');
    }, 60_000);
    expect([ended, run.status]).toEqual([true, 'completed']);
    expect(run.attempts).toBe(2);
    // The restarted run went on after the pages already stored, not from page 1.
    const resumed = searchPages(upstream).slice(before);
    expect(resumed[0]).toBeGreaterThan(1);
    expect(resumed.at(-1)).toBe(8);

    const rows = await db.rows<{ symbol: string; pmids: string[] }>(
      `SELECT g.approved_symbol AS symbol, e.evidence_data -> 'pmids' AS pmids
       FROM gene_evidence e JOIN genes g ON g.id = e.gene_id
       WHERE e.source_name = 'PubTator' ORDER BY 1`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.symbol, r.pmids]))).toEqual(pmidsByGene(ARTICLES));
    expect(await db.rows('SELECT * FROM pipeline_locks')).toEqual([]);
    expect(await db.rows('SELECT * FROM source_checkpoints')).toEqual([]);
  }, 240_000);
});
