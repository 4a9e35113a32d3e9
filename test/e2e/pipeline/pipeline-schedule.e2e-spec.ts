import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { loadConfig } from '../../../src/config/index.js';
import { createTestApp } from '../../support/app-factory.js';
import { createTestDatabase } from '../../support/test-database.js';

describe('scheduled runs', () => {
  it('parses PIPELINE_SCHEDULES per source and rejects a malformed value', () => {
    expect(
      loadConfig({ PIPELINE_SCHEDULES: 'PubTator=0 3 * * 1; ClinGen = 0  4 * * *' }, '/srv')
        .pipeline.schedules,
    ).toEqual({ PubTator: '0 3 * * 1', ClinGen: '0 4 * * *' });
    expect(loadConfig({}, '/srv').pipeline.schedules).toEqual({});
    expect(() => loadConfig({ PIPELINE_SCHEDULES: '0 3 * * 1' }, '/srv')).toThrow(
      /PIPELINE_SCHEDULES/,
    );
  });

  it('registers each configured schedule once in the shared queue and drops removed ones', async () => {
    const database = await createTestDatabase();
    const schedules = async (ds: DataSource) =>
      (
        await ds.query<{ name: string; cron: string }[]>(
          'SELECT name, cron FROM pgboss.schedule ORDER BY name',
        )
      ).map((r) => `${r.name} ${r.cron}`);
    const first = await createTestApp({
      databaseUrl: database.url,
      env: { PIPELINE_SCHEDULES: 'PubTator=0 3 * * 1;ClinGen=0 4 * * *' },
    });
    const second = await createTestApp({
      databaseUrl: database.url,
      env: { PIPELINE_SCHEDULES: 'PubTator=0 3 * * 1;ClinGen=0 4 * * *' },
    });
    try {
      expect(await schedules(first.app.get<DataSource>(getDataSourceToken()))).toEqual([
        'pipeline-schedule-clingen 0 4 * * *',
        'pipeline-schedule-pubtator 0 3 * * 1',
      ]);
    } finally {
      await first.close();
      await second.close();
    }
    const later = await createTestApp({
      databaseUrl: database.url,
      env: { PIPELINE_SCHEDULES: 'ClinGen=30 4 * * *' },
    });
    try {
      expect(await schedules(later.app.get<DataSource>(getDataSourceToken()))).toEqual([
        'pipeline-schedule-clingen 30 4 * * *',
      ]);
    } finally {
      await later.close();
      await database.drop();
    }
  });
});
