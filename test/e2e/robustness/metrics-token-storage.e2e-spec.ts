import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { HashMetricsToken1796551610228 } from '../../../migrations/1796551610228-HashMetricsToken.js';
import { migrations } from '../../../migrations/index.js';
import { serviceTokenDigest } from '../../../src/auth/service-tokens.js';
import { buildDataSourceOptions } from '../../../src/database/data-source-options.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const ENV_TOKEN = 'env-scrape-token-0123456789abcdef';
const ROTATED = 'rotated-scrape-token-abcdefghijkl';

/** Every stored row of the settings and their audit trail, as text. */
async function storedSettings(ds: DataSource): Promise<string> {
  const rows = await ds.query<{ row: string }[]>(
    `SELECT s::text AS row FROM system_settings s
     UNION ALL SELECT c::text FROM system_setting_changes c`,
  );
  return rows.map((r) => r.row).join('\n');
}

describe('the metrics token at rest', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: ENV_TOKEN } });
    admin = (await loginAdmin(t)).accessToken;
  });
  afterAll(() => t?.close());

  const ds = () => t.app.get<DataSource>(getDataSourceToken());
  const scrape = (token: string) =>
    t.http().get('/metrics').set('Authorization', `Bearer ${token}`);

  it('the environment token is stored only as its digest and still authenticates', async () => {
    const [row] = await ds().query<{ value: unknown; default_value: unknown }[]>(
      `SELECT value, default_value FROM system_settings WHERE key = 'metrics.token'`,
    );
    expect(row).toEqual({ value: null, default_value: serviceTokenDigest(ENV_TOKEN) });
    expect(await storedSettings(ds())).not.toContain(ENV_TOKEN);
    await scrape(ENV_TOKEN).expect(200);
    await scrape(serviceTokenDigest(ENV_TOKEN)).expect(401);
  });

  it('a token set through the admin API is stored as its digest, never shown, and authenticates', async () => {
    await t
      .http()
      .put('/api/admin/settings/metrics.token')
      .set('Authorization', `Bearer ${admin}`)
      .send({ value: ROTATED, reason: 'rotation' })
      .expect(200);
    const stored = await storedSettings(ds());
    expect(stored).not.toContain(ROTATED);
    expect(stored).toContain(serviceTokenDigest(ROTATED));

    const read = await t
      .http()
      .get('/api/admin/settings/metrics.token')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(read.body.value).toBe('***MASKED***');
    const listed = await t
      .http()
      .get('/api/admin/settings')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    for (const body of [JSON.stringify(read.body), JSON.stringify(listed.body)]) {
      expect(body).not.toContain(ROTATED);
      expect(body).not.toContain(serviceTokenDigest(ROTATED).slice(7));
    }

    await scrape(ROTATED).expect(200);
    await scrape(ENV_TOKEN).expect(401);
    await scrape(`${ROTATED}x`).expect(401);
  });
});

describe('the migration that hashes stored metrics tokens', () => {
  const LEGACY = 'legacy-scrape-token-0123456789ab';
  let db: TestDatabase;
  let t: TestApp | undefined;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('replaces clear tokens already stored, and the stored token keeps working', async () => {
    // The schema as the previous release left it, holding a token in clear.
    const before = new DataSource({
      ...buildDataSourceOptions(db.url, {
        poolSize: 1,
        connectTimeoutMs: 5000,
        statementTimeoutMs: 60_000,
      }),
      migrations: migrations.slice(0, migrations.indexOf(HashMetricsToken1796551610228)),
    });
    await before.initialize();
    try {
      await before.runMigrations();
      await before.query(
        `INSERT INTO system_settings (key, value, value_type, category, description, default_value, sensitive)
         VALUES ('metrics.token', $1::jsonb, 'string', 'metrics', 'scraper token', $2::jsonb, true)`,
        [JSON.stringify(LEGACY), JSON.stringify(ENV_TOKEN)],
      );
      await before.query(
        `INSERT INTO system_setting_changes (setting_key, old_value, new_value, changed_by)
         VALUES ('metrics.token', '""', $1::jsonb, 'admin')`,
        [JSON.stringify(LEGACY)],
      );
    } finally {
      await before.destroy();
    }

    // The new release migrates at startup.
    t = await createTestApp({ databaseUrl: db.url });
    const ds = t.app.get<DataSource>(getDataSourceToken());
    const stored = await storedSettings(ds);
    expect(stored).not.toContain(LEGACY);
    expect(stored).not.toContain(ENV_TOKEN);
    const [row] = await ds.query<{ value: unknown }[]>(
      `SELECT value FROM system_settings WHERE key = 'metrics.token'`,
    );
    expect(row.value).toBe(serviceTokenDigest(LEGACY));
    await t.http().get('/metrics').set('Authorization', `Bearer ${LEGACY}`).expect(200);
  });
});
