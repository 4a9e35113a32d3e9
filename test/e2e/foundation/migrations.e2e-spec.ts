import { readdir } from 'node:fs/promises';

import { migrations } from '../../../migrations/index.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';

describe('migrations at startup', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];
  const sql = testDb(() => db.url);

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });
  afterAll(async () => {
    await sql.close();
    for (const app of apps) {
      await app.close();
    }
    await db.drop();
  });

  it('lists every migration file in migrations/index.ts, in timestamp order', async () => {
    const files = (await readdir(new URL('../../../migrations/', import.meta.url)))
      .filter((f) => /^\d+-\w+\.ts$/.test(f))
      .sort();
    const listed = migrations.map((m) => {
      const name = new m().name ?? m.name;
      const ts = name.match(/(\d{13})$/)?.[1];
      return `${ts}-${name.replace(/\d{13}$/, '')}.ts`;
    });
    expect(listed).toEqual(files);
  });

  it('applies each migration exactly once when two instances start together', async () => {
    const started = await Promise.all([
      createTestApp({ databaseUrl: db.url }),
      createTestApp({ databaseUrl: db.url }),
    ]);
    apps.push(...started);
    for (const app of started) {
      await app.http().get('/health/ready').expect(200);
    }

    const rows = await sql.rows<{ name: string; n: string }>(
      'SELECT name, count(*) AS n FROM migrations GROUP BY name ORDER BY name',
    );
    expect(rows.map((r) => r.name).sort()).toEqual(migrations.map((m) => new m().name).sort());
    expect(rows.every((r) => r.n === '1')).toBe(true);
  });
});
