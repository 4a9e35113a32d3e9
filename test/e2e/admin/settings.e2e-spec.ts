import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { CacheService } from '../../../src/cache/cache.service.js';
import { LogControl } from '../../../src/logging/log-control.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { eventually } from '../../support/wait.js';

const SCRAPE_TOKEN = 'scrape-token-0123456789abcdef';
const ENV = {
  METRICS_TOKEN: SCRAPE_TOKEN,
  RATE_LIMIT_LOGIN_PER_MINUTE: '100',
  CLINVAR_EUTILS_URL: 'https://eutils.example.org/entrez/eutils',
};

/**
 * Two instances on one database: a setting changed over HTTP on the first takes effect
 * on both, without a restart.
 */
describe('runtime settings', () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  let admin: Record<string, string>;
  let adminOnSecond: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await createTestApp({ databaseUrl: database.url, env: ENV });
    second = await createTestApp({ databaseUrl: database.url, env: ENV });
    admin = { Authorization: `Bearer ${(await loginAdmin(first)).accessToken}` };
    adminOnSecond = { Authorization: `Bearer ${(await loginAdmin(second)).accessToken}` };
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await database?.drop();
  });

  const put = (key: string, value: unknown, reason = 'test') =>
    first.http().put(`/api/admin/settings/${key}`).set(admin).send({ value, reason });

  const db = () => first.app.get<DataSource>(getDataSourceToken());

  it('lists settings grouped by category with sensitive values masked', async () => {
    const res = await first.http().get('/api/admin/settings').set(admin).expect(200);
    const keys = (res.body.settings as { key: string }[]).map((s) => s.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'cache.default_ttl_seconds',
        'cache.namespace_ttls',
        'cache.l1_max_entries',
        'cache.l1_max_mb',
        'logging.level',
        'logging.slow_request_ms',
        'upstream.rate_limits',
        'metrics.token',
        'pipeline.schedules',
        'database.pool_size',
      ]),
    );
    expect(Object.keys(res.body.grouped).sort()).toEqual([
      'cache',
      'database',
      'logging',
      'metrics',
      'pipeline',
      'upstream',
    ]);
    const token = await first
      .http()
      .get('/api/admin/settings/metrics.token')
      .set(admin)
      .expect(200);
    expect(token.body).toMatchObject({ sensitive: true, value: '***MASKED***' });
    expect(JSON.stringify(res.body)).not.toContain(SCRAPE_TOKEN);
  });

  it('refuses invalid values (400), read-only settings (409) and unknown keys (404)', async () => {
    const bad = await put('cache.default_ttl_seconds', 'soon').expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    await put('cache.default_ttl_seconds', -1).expect(400);
    await put('logging.level', 'loud').expect(400);
    await put('upstream.rate_limits', { default: 0 }).expect(400);
    await put('cache.namespace_ttls', [1, 2]).expect(400);
    await put('metrics.token', 'short').expect(400);
    const ro = await put('database.pool_size', 20).expect(409);
    expect(ro.body.error.code).toBe('CONFLICT');
    await put('no.such_setting', 1).expect(404);
    await first.http().put('/api/admin/settings/logging.level').set(admin).send({}).expect(400);
    const curator = await createUser(first, admin.Authorization.slice(7), 'curator');
    await first
      .http()
      .put('/api/admin/settings/logging.level')
      .set('Authorization', `Bearer ${curator.accessToken}`)
      .send({ value: 'debug' })
      .expect(403);
  });

  it('audits every change with who, when, why, masking sensitive values', async () => {
    await put('metrics.token', 'another-scrape-token-0123', 'rotate').expect(200);
    const history = await first
      .http()
      .get('/api/admin/settings/metrics.token/history')
      .set(admin)
      .expect(200);
    expect(history.body.history).toEqual([
      expect.objectContaining({
        key: 'metrics.token',
        old_value: '***MASKED***',
        new_value: '***MASKED***',
        changed_by: 'admin',
        reason: 'rotate',
      }),
    ]);
    const stored = await db().query<{ old_value: unknown; new_value: unknown }[]>(
      `SELECT old_value, new_value FROM system_setting_changes WHERE setting_key = 'metrics.token'`,
    );
    expect(JSON.stringify(stored)).not.toContain('scrape-token');
  });

  it('cache namespace TTLs apply to new entries on every instance', async () => {
    await put('cache.namespace_ttls', { 'genes-meta': 4321 }).expect(200);
    const ttlOnSecond = async () =>
      (await second.http().get('/api/admin/cache/stats/genes-meta').set(adminOnSecond).expect(200))
        .body.ttl_seconds === 4321;
    expect(await eventually(ttlOnSecond)).toBe(true);
    for (const t of [first, second]) {
      // The response cache (namespace genes) would answer without reading genes-meta.
      await first.http().delete('/api/admin/cache/genes').set(admin).expect(200);
      await first.http().delete('/api/admin/cache/genes-meta').set(admin).expect(200);
      // The other instance hears of the clears by notification: until then its memory
      // would answer the list and nothing new would be written.
      const heard = () =>
        t.app.get(CacheService).l1.countNamespace('genes').entries +
          t.app.get(CacheService).l1.countNamespace('genes-meta').entries ===
        0;
      expect(await eventually(heard)).toBe(true);
      await t.http().get('/api/genes').expect(200);
      // Written to the table behind the response: wait for the row.
      let seconds: number | undefined;
      await eventually(async () => {
        const [row] = await db().query<{ seconds: number }[]>(
          `SELECT round(extract(epoch FROM expires_at - created_at))::int AS seconds
           FROM cache_entries WHERE namespace = 'genes-meta' LIMIT 1`,
        );
        seconds = row?.seconds;
        return seconds !== undefined;
      });
      expect(Math.abs(seconds! - 4321)).toBeLessThanOrEqual(5);
    }
  });

  it('the default TTL applies to namespaces without their own', async () => {
    await put('cache.default_ttl_seconds', 77).expect(200);
    expect(
      await eventually(
        async () =>
          (
            await second
              .http()
              .get('/api/admin/cache/stats/some-new-namespace')
              .set(adminOnSecond)
              .expect(200)
          ).body.ttl_seconds === 77,
      ),
    ).toBe(true);
  });

  it('the L1 size bound applies at once on every instance, evicting what is over it', async () => {
    await second.http().get('/api/genes').expect(200);
    await second.http().get('/api/statistics/summary').expect(200);
    await put('cache.l1_max_entries', 1).expect(200);
    const memory = async (t: TestApp, h: Record<string, string>) =>
      (await t.http().get('/api/admin/cache/stats').set(h).expect(200)).body.memory as {
        entries: number;
        max_entries: number;
      };
    expect(
      await eventually(async () => {
        const m = await memory(second, adminOnSecond);
        return m.max_entries === 1 && m.entries <= 1;
      }),
    ).toBe(true);
    await second.http().get('/api/genes').expect(200);
    expect((await memory(second, adminOnSecond)).entries).toBeLessThanOrEqual(1);
    await put('cache.l1_max_mb', 3).expect(200);
    expect(
      await eventually(
        async () =>
          (await memory(second, adminOnSecond)).max_entries === 1 &&
          ((await second.http().get('/api/admin/cache/stats').set(adminOnSecond)).body.memory
            .max_bytes as number) ===
            3 * 1024 * 1024,
      ),
    ).toBe(true);
    await put('cache.l1_max_entries', 10000).expect(200);
  });

  it('per-domain upstream rate limits apply on every instance', async () => {
    await put('upstream.rate_limits', { 'example.org': 2, default: 5 }).expect(200);
    const rateOnSecond = async () => {
      const res = await second.http().get('/api/admin/datasources').set(adminOnSecond).expect(200);
      const clinvar = (
        res.body.sources as { name: string; upstream: { per_second: number }[] }[]
      ).find((s) => s.name === 'clinvar')!;
      return clinvar.upstream[0]?.per_second;
    };
    expect(await eventually(async () => (await rateOnSecond()) === 2)).toBe(true);
  });

  it('the pipeline schedule is re-registered in the shared queue and seen by every instance', async () => {
    const schedules = async () =>
      (
        await db().query<{ name: string; cron: string }[]>(
          `SELECT name, cron FROM pgboss.schedule WHERE name LIKE 'pipeline-schedule-%' ORDER BY name`,
        )
      ).map((r) => `${r.name} ${r.cron}`);
    const nextClinGenRun = async () => {
      const res = await second.http().get('/api/admin/datasources').set(adminOnSecond).expect(200);
      return (res.body.sources as { name: string; next_run_at: string | null }[]).find(
        (s) => s.name === 'ClinGen',
      )!.next_run_at;
    };
    await put('pipeline.schedules', { ClinGen: 'every day' }).expect(400);
    await put('pipeline.schedules', { ClinGen: '0 5 * * *', PubTator: '30 2 * * 1' }).expect(200);
    expect(await schedules()).toEqual([
      'pipeline-schedule-clingen 0 5 * * *',
      'pipeline-schedule-pubtator 30 2 * * 1',
    ]);
    expect(
      await eventually(async () => (await nextClinGenRun())?.endsWith('T05:00:00.000Z') === true),
    ).toBe(true);
    await put('pipeline.schedules', { PubTator: '30 2 * * 1' }).expect(200);
    expect(await schedules()).toEqual(['pipeline-schedule-pubtator 30 2 * * 1']);
    expect(await eventually(async () => (await nextClinGenRun()) === null)).toBe(true);
  });

  it('the slow-request threshold applies on every instance', async () => {
    // The completion line of the next login on the second instance: password hashing
    // makes it take well over a millisecond.
    const nextCompletion = async () => {
      const before = second.logs.lines.length;
      await loginAdmin(second);
      let line: Record<string, unknown> | undefined;
      await eventually(() => {
        line = second.logs
          .records()
          .slice(before)
          .find((r) => String(r.msg).startsWith('POST /api/auth/login 200'));
        return line !== undefined;
      });
      return line;
    };
    await put('logging.slow_request_ms', 1).expect(200);
    expect(await eventually(() => second.app.get(LogControl).slowRequestMs === 1)).toBe(true);
    const slow = await nextCompletion();
    expect(slow).toMatchObject({ level: 'warn' });
    expect(slow?.msg).toContain('(slow)');
    await put('logging.slow_request_ms', 3_600_000).expect(200);
    expect(await eventually(() => second.app.get(LogControl).slowRequestMs === 3_600_000)).toBe(
      true,
    );
    const normal = await nextCompletion();
    expect(normal).toMatchObject({ level: 'info' });
    expect(normal?.msg).not.toContain('(slow)');
  });

  it('the log level applies on every instance', async () => {
    await put('logging.level', 'warn').expect(200);
    expect(await eventually(() => second.app.get(LogControl).level === 'warn')).toBe(true);
    await second.http().get('/api/genes?page[size]=52').expect(200);
    await put('logging.level', 'debug').expect(200);
    expect(await eventually(() => second.app.get(LogControl).level === 'debug')).toBe(true);
    // A health probe is logged at debug: it shows once the level is back to debug.
    await second.http().get('/health/live').expect(200);
    expect(
      await eventually(() =>
        second.logs
          .records()
          .some((r) => r.level === 'debug' && String(r.msg).startsWith('GET /health/live')),
      ),
    ).toBe(true);
    const infoWhileWarn = second.logs
      .records()
      .filter((r) => String(r.msg).startsWith('GET /api/genes?page[size]=52'));
    expect(infoWhileWarn).toEqual([]);
  });
});
