import { Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import type { ParseResult } from '../../../src/common/evidence/evidence-record.js';
import { SourceToolkit } from '../../../src/sources/base/source-toolkit.js';
import {
  EvidenceSource,
  type SourceRunContext,
} from '../../../src/sources/base/upstream-source.js';
import { SOURCE_CLASSES } from '../../../src/sources/catalog/source-catalog.js';
import type { EvidenceDeclaration } from '../../../src/sources/catalog/source-declaration.types.js';
import { UPSTREAM_SOURCES } from '../../../src/sources/runner/source-runner.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import { eventually } from '../../support/wait.js';

/** A registry of kidney cohorts, answering which cohorts report each gene. */
const COHORTS = {
  genes: [
    { hgnc_id: 'HGNC:9008', symbol: 'PKD1', cohorts: ['c1', 'c2', 'c3'] },
    { hgnc_id: 'HGNC:9009', symbol: 'PKD2', cohorts: ['c1'] },
  ],
};

/**
 * A source the app does not ship, written as a new source would be: one class with its
 * declaration. Nothing else in the app names it.
 */
@Injectable()
class CohortRegistrySource extends EvidenceSource {
  static baseUrl = '';
  readonly declaration: EvidenceDeclaration = {
    kind: 'evidence',
    name: 'CohortRegistry',
    namespace: 'cohort_registry',
    displayName: 'Kidney cohort registry',
    description: 'Genes reported by kidney cohorts',
    url: 'https://cohorts.example.org',
    documentationUrl: null,
    scoring: { rule: 'count', first: [['length', 'cohorts']] },
    stagingPriority: 50,
    runOrder: 0,
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  async *batches(ctx: SourceRunContext): AsyncGenerator<ParseResult> {
    const body = await this.json<typeof COHORTS>(`${CohortRegistrySource.baseUrl}/genes`, {
      signal: ctx.signal,
    });
    yield {
      rows: body.genes.length,
      failures: [],
      records: body.genes.map((g) => ({
        symbol: g.symbol,
        hgncId: g.hgnc_id,
        data: { cohorts: g.cohorts },
        detail: `${g.cohorts.length} cohorts`,
      })),
    };
  }
}

describe('a source is picked up from its declaration alone', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    await upstream.start();
    upstream.json('GET', '/genes', COHORTS);
    CohortRegistrySource.baseUrl = upstream.baseUrl;
    t = await createTestApp({
      override: (builder) =>
        builder.overrideProvider(UPSTREAM_SOURCES).useFactory({
          factory: (kit: SourceToolkit, ...shipped: unknown[]) => [
            ...shipped,
            new CohortRegistrySource(kit),
          ],
          inject: [SourceToolkit, ...SOURCE_CLASSES],
        }),
    });
    admin = (await loginAdmin(t)).accessToken;
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const as = () => ['Authorization', `Bearer ${admin}`] as const;

  it('registers it with its metadata and scoring rule, and admin lists it', async () => {
    const [row] = await t.app
      .get<DataSource>(getDataSourceToken())
      .query<{ category: string; display_name: string; scoring_rule: unknown }[]>(
        `SELECT category, display_name, scoring_rule FROM data_sources WHERE name = 'CohortRegistry'`,
      );
    expect(row).toEqual({
      category: 'evidence',
      display_name: 'Kidney cohort registry',
      scoring_rule: { rule: 'count', first: [['length', 'cohorts']] },
    });
    const admins = await t
      .http()
      .get('/api/admin/datasources')
      .set(...as())
      .expect(200);
    const listed = JSON.stringify(admins.body);
    expect(listed).toContain('CohortRegistry');
    expect(listed).toContain('Kidney cohort registry');
  });

  it('runs it as a pipeline source and scores its evidence by the declared count rule', async () => {
    const started = await t
      .http()
      .post('/api/annotations/pipeline/update')
      .set(...as())
      .send({ sources: ['CohortRegistry'] })
      .expect(202);
    const id = (started.body as { data: { id: string } }).data.id;
    let status = '';
    await eventually(async () => {
      const res = await t
        .http()
        .get(`/api/annotations/pipeline/runs/${id}`)
        .set(...as());
      status = (res.body as { data: { status: string } }).data.status;
      return ['completed', 'failed', 'cancelled'].includes(status);
    }, 30_000);
    expect(status).toBe('completed');

    const detail = async (symbol: string) =>
      (await t.http().get(`/api/genes/${symbol}`).expect(200)).body as {
        data: {
          attributes: {
            sources: string[];
            score_breakdown: Record<string, number>;
            total_active_sources: number;
          };
        };
      };
    const pkd1 = await detail('PKD1');
    const pkd2 = await detail('PKD2');
    expect(pkd1.data.attributes.sources).toEqual(['CohortRegistry']);
    expect(pkd1.data.attributes.total_active_sources).toBe(1);
    // Three cohorts against one: percent-ranked within the source by the declared rule.
    expect(pkd1.data.attributes.score_breakdown).toEqual({ CohortRegistry: 1 });
    expect(pkd2.data.attributes.score_breakdown).toEqual({ CohortRegistry: 0 });
  });
});
