import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../../support/app-factory.js';
import { refreshCookieFrom } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

/**
 * The original admin dashboard's flows (original-client-contract.md), step after step as
 * its pages make them, each step reading what the page reads and building on the last:
 * sign-in and silent refresh, users, cache polling, logs, staging review, upload history,
 * pipeline status and pause, settings by id. The per-operation replay is
 * original-openapi.e2e-spec.ts; this one checks that the steps add up.
 */
describe('the original dashboard’s flows, end to end', () => {
  let t: TestApp;
  let token: string;
  let refresh: string;
  const db = testDb(() => t.database!.url);
  const bearer = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    await seedGenes(t.app, SCORING_DATASET);
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('signs in with the login form and refreshes silently when parallel calls get 401', async () => {
    const login = await t
      .http()
      .post('/api/auth/login')
      .type('form')
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD, grant_type: 'password' })
      .expect(200);
    token = login.body.access_token as string;
    refresh = refreshCookieFrom(login.headers['set-cookie']);
    const me = await t.http().get('/api/auth/me').set(bearer()).expect(200);
    expect(me.body).toMatchObject({ username: 'admin', role: 'admin', is_active: true });

    // An expired token: three pages' calls fail at once, and each starts a refresh.
    const stale = { Authorization: 'Bearer not-a-valid-token' };
    const failed = await Promise.all(
      ['/api/auth/me', '/api/admin/cache/stats', '/api/progress/status'].map((p) =>
        t.http().get(p).set(stale),
      ),
    );
    expect(failed.map((r) => r.status)).toEqual([401, 401, 401]);
    const refreshed = await Promise.all(
      failed.map(() =>
        t
          .http()
          .post('/api/auth/refresh')
          .set('Cookie', `refresh_token=${encodeURIComponent(refresh)}`)
          .set('X-Requested-With', 'XMLHttpRequest')
          .send({}),
      ),
    );
    expect(refreshed.map((r) => r.status)).toEqual([200, 200, 200]);
    // Every retried call succeeds with the token its refresh gave.
    const retried = await Promise.all(
      refreshed.map((r, i) =>
        t
          .http()
          .get(['/api/auth/me', '/api/admin/cache/stats', '/api/progress/status'][i])
          .set('Authorization', `Bearer ${r.body.access_token as string}`),
      ),
    );
    expect(retried.map((r) => r.status)).toEqual([200, 200, 200]);
    token = refreshed[0].body.access_token as string;
  });

  it('creates, edits and deletes a user on the Users page', async () => {
    const created = await t
      .http()
      .post('/api/auth/register')
      .set(bearer())
      .send({
        username: 'flow_curator',
        email: 'flow_curator@example.org',
        full_name: 'Flow Curator',
        password: 'Str0ng-Flow-Passw0rd!',
        role: 'viewer',
        is_active: true,
        is_verified: false,
      })
      .expect(201);
    const id = created.body.id as number;
    const listed = async () =>
      (
        (await t.http().get('/api/auth/users').set(bearer()).expect(200)).body as {
          id: number;
          role: string;
          full_name: string;
        }[]
      ).find((u) => u.id === id);
    expect(await listed()).toMatchObject({ role: 'viewer', full_name: 'Flow Curator' });
    await t
      .http()
      .put(`/api/auth/users/${id}`)
      .set(bearer())
      .send({ full_name: 'Promoted', role: 'curator', is_active: true, is_verified: true })
      .expect(200);
    expect(await listed()).toMatchObject({ role: 'curator', full_name: 'Promoted' });
    await t.http().delete(`/api/auth/users/${id}`).set(bearer()).expect(200);
    expect(await listed()).toBeUndefined();
  });

  it('polls the Cache page and sees reads fill the gene namespace', async () => {
    const poll = async () => {
      const [stats, health, genes] = await Promise.all([
        t.http().get('/api/admin/cache/stats').set(bearer()).expect(200),
        t.http().get('/api/admin/cache/health').set(bearer()).expect(200),
        t.http().get('/api/admin/cache/stats/genes').set(bearer()).expect(200),
      ]);
      expect(health.body.namespaces).toContain('genes');
      return { stats: stats.body, genes: genes.body };
    };
    const before = await poll();
    await t.http().get('/api/genes/PKD1').expect(200);
    await t.http().get('/api/genes/PKD2').expect(200);
    // The shared tier is written in the background: the page sees it on a later poll.
    expect(
      await eventually(
        async () => (await poll()).genes.total_entries > before.genes.total_entries,
        15_000,
      ),
    ).toBe(true);
    const after = await poll();
    expect(after.stats.misses).toBeGreaterThan(before.stats.misses);
    expect(typeof after.stats.hit_rate).toBe('number');
  });

  it('filters the Log viewer by level and time window', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const until = new Date(Date.now() + 60_000).toISOString();
    const page = (from: string, to: string) =>
      t
        .http()
        .get(
          `/api/admin/logs/?limit=25&offset=0&level=INFO&start_time=${from}&end_time=${to}&sort_by=timestamp&sort_order=desc`,
        )
        .set(bearer())
        .expect(200);
    // Startup and sign-in lines are stored at INFO shortly after they are logged.
    expect(
      await eventually(async () => (await page(since, until)).body.pagination.total > 0, 15_000),
    ).toBe(true);
    const inWindow = await page(since, until);
    const times = (inWindow.body.logs as { timestamp: string; level: string }[]).map((l) =>
      Date.parse(l.timestamp),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const l of inWindow.body.logs as { level: string }[]) {
      expect(l.level).toBe('INFO');
    }
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const later = new Date(Date.now() + 7_200_000).toISOString();
    expect((await page(future, later)).body.pagination.total).toBe(0);
  });

  it('reviews staged symbols: approve one into a gene, reject another, counts follow', async () => {
    const stage = (text: string) =>
      db.one<{ id: number }>(
        `INSERT INTO gene_staging (source_name, original_text, reason, evidence_data, priority)
         VALUES ('GenCC', $1, 'unknown', '{"classifications": ["Definitive"]}', 3) RETURNING id`,
        [text],
      );
    const approveMe = (await stage('PKD1-FLOW')).id;
    const rejectMe = (await stage('NOTAGENE-FLOW')).id;
    const pending = async () =>
      (
        (await t.http().get('/api/staging/staging/pending').set(bearer()).expect(200)).body as {
          id: number;
        }[]
      ).map((e) => e.id);
    expect(await pending()).toEqual(expect.arrayContaining([approveMe, rejectMe]));
    const stats0 = (await t.http().get('/api/staging/staging/stats').set(bearer()).expect(200))
      .body;
    await t
      .http()
      .post(`/api/staging/staging/${approveMe}/approve`)
      .set(bearer())
      .send({ approved_symbol: 'PKD1', hgnc_id: 'HGNC:9008', notes: null, reviewer: 'Admin' })
      .expect(200);
    await t
      .http()
      .post(`/api/staging/staging/${rejectMe}/reject`)
      .set(bearer())
      .send({ notes: 'not a gene', reviewer: 'Admin' })
      .expect(200);
    const left = await pending();
    expect(left).not.toContain(approveMe);
    expect(left).not.toContain(rejectMe);
    const stats1 = (await t.http().get('/api/staging/staging/stats').set(bearer()).expect(200))
      .body;
    expect(stats1.total_approved).toBe(stats0.total_approved + 1);
    expect(stats1.total_rejected).toBe(stats0.total_rejected + 1);
    // The approved evidence now counts for PKD1.
    const evidence = await t.http().get('/api/genes/PKD1/evidence').expect(200);
    expect(
      (evidence.body.data as { attributes: { source_name: string } }[]).map(
        (e) => e.attributes.source_name,
      ),
    ).toContain('GenCC');
  });

  it('uploads a diagnostic panel and finds it in the upload history and the audit trail', async () => {
    await t
      .http()
      .post('/api/ingestion/DiagnosticPanels/upload')
      .set(bearer())
      .field('identifier', 'FlowLab')
      .attach('file', Buffer.from('Gene,Panel_Name\nPKD2,Cystic Kidney Panel\n'), 'flow.csv')
      .expect(201);
    const history = await t
      .http()
      .get('/api/ingestion/DiagnosticPanels/uploads?limit=50&offset=0')
      .set(bearer())
      .expect(200);
    const upload = (
      history.body.data.uploads as { original_filename: string; upload_status: string }[]
    ).find((u) => u.original_filename === 'flow.csv');
    expect(upload).toMatchObject({ upload_status: 'completed' });
    const audit = await t
      .http()
      .get('/api/ingestion/DiagnosticPanels/audit?limit=50&offset=0')
      .set(bearer())
      .expect(200);
    expect(
      (audit.body.data.audit_records as { action: string; performed_by: string }[]).some(
        (a) => a.performed_by === 'admin',
      ),
    ).toBe(true);
  });

  it('shows pipeline status, and pausing an idle source answers without harm', async () => {
    const status = await t.http().get('/api/progress/status').set(bearer()).expect(200);
    const items = status.body.data as { source_name: string; status: string; category: string }[];
    const panelapp = items.find((i) => i.source_name === 'PanelApp');
    expect(panelapp).toMatchObject({ category: expect.any(String) });
    const paused = await t.http().post('/api/progress/pause/PanelApp').set(bearer()).expect(200);
    expect(paused.body).toMatchObject({ status: 'not_running' });
    const again = await t.http().get('/api/progress/status').set(bearer()).expect(200);
    expect(
      (again.body.data as { source_name: string; status: string }[]).find(
        (i) => i.source_name === 'PanelApp',
      )?.status,
    ).toBe(panelapp!.status);
    await t.http().get('/api/annotations/pipeline/status').set(bearer()).expect(200);
  });

  it('edits a setting by its numeric id and reads the change in its history', async () => {
    const list = await t
      .http()
      .get('/api/admin/settings/?limit=500&offset=0')
      .set(bearer())
      .expect(200);
    const setting = (
      list.body.settings as {
        id: number;
        key: string;
        value: unknown;
        value_type: string;
        is_readonly: boolean;
        is_sensitive: boolean;
        validation: { min?: number; max?: number };
      }[]
    ).find(
      (s) =>
        s.value_type === 'number' &&
        !s.is_readonly &&
        !s.is_sensitive &&
        s.validation.min !== undefined &&
        s.validation.max !== undefined &&
        s.validation.max > s.validation.min,
    )!;
    const value =
      setting.value === setting.validation.min
        ? setting.validation.min! + 1
        : setting.validation.min!;
    const put = await t
      .http()
      .put(`/api/admin/settings/${setting.id}`)
      .set(bearer())
      .send({ value, change_reason: 'flow test' })
      .expect(200);
    expect(put.body.setting).toMatchObject({ key: setting.key, value });
    const history = await t
      .http()
      .get(`/api/admin/settings/${setting.id}/history?limit=50`)
      .set(bearer())
      .expect(200);
    expect(history.body.history[0]).toMatchObject({ change_reason: 'flow test', new_value: value });
  });
});
