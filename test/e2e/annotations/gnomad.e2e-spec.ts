import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

import {
  annotationRows,
  failureRows,
  FIXTURE_UPSTREAM_ENV,
  insertGenes,
  runAnnotation,
  seedHgncIds,
} from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/upstream/gnomad/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('gnomAD annotation against the fixture server', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let ids: Record<string, number>;
  /** Statuses the GraphQL endpoint answers before working, one per request. */
  let failures: number[] = [];
  /** Batches (more than one gene) answer a GraphQL error without data. */
  let batchesRejected = false;
  const notFound = fixture('gene-not-found.json');

  beforeAll(async () => {
    await upstream.start();
    upstream.route('POST', '/api', (_req, res, body) => {
      const status = failures.shift();
      if (status) {
        return send(res, status, { error: 'upstream' });
      }
      const { query, variables } = JSON.parse(body) as {
        query: string;
        variables: Record<string, string>;
      };
      const names = Object.keys(variables);
      if (batchesRejected && names.length > 1) {
        return send(res, 200, { errors: [{ message: 'Query complexity exceeds the limit' }] });
      }
      const data: Record<string, unknown> = {};
      const errors: unknown[] = [];
      for (const name of names) {
        const alias = `g${name.slice(1)}`;
        const value = variables[name];
        const byId = new RegExp(`${alias}: gene\\(gene_id: \\$${name}`).test(query);
        data[alias] = null;
        if (byId && value === 'ENSG00000008710') {
          data[alias] = fixture('gene-pkd1.json');
        } else if (byId && value === 'ENSG00000188153') {
          data[alias] = fixture('gene-col4a5.json');
        } else if (byId && value === 'ENSG00000161270') {
          data[alias] = { gene_id: value, symbol: 'NPHS1', gnomad_constraint: null };
        } else if (byId && value === 'ENSG00000116218') {
          data[alias] = {
            gene_id: value,
            symbol: 'NPHS2',
            gnomad_constraint: { pLI: 'high', oe_lof: 0.5 },
          };
        } else {
          const [error] = notFound.errors as { message: string }[];
          errors.push({ ...error, path: [alias] });
        }
      }
      send(res, 200, errors.length > 0 ? { data, errors } : { data });
    });
    t = await createTestApp({
      env: { ...FIXTURE_UPSTREAM_ENV, GNOMAD_URL: `${upstream.baseUrl}/api` },
    });
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'NPHS1', 'NPHS2', 'COL4A5', 'UMOD']);
    // UMOD has no HGNC row: it is asked for by symbol.
    const { UMOD: _umod, ...withIds } = ids;
    await seedHgncIds(t, withIds);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('stores constraint, treats gene null as no data, and records malformed values', async () => {
    failures = [502];
    const from = upstream.requests.length;
    const result = await runAnnotation(t, 'gnomad');
    expect(result).toMatchObject({
      status: 'completed',
      version: 'v4.1',
      genes_total: 6,
      updated: 2,
      no_data: 3,
      failed: 1,
    });
    expect(result.failures).toEqual([
      {
        gene_id: ids.NPHS2,
        symbol: 'NPHS2',
        reason: expect.stringMatching(/pLI of NPHS2 is not a number/),
      },
    ]);
    // One batch (retried once after the 502), by Ensembl id except for UMOD.
    const requests = upstream.requests.slice(from);
    expect(requests).toHaveLength(2);
    const { query, variables } = JSON.parse(requests[1].body) as {
      query: string;
      variables: Record<string, string>;
    };
    expect(Object.values(variables)).toContain('UMOD');
    expect(query).toMatch(/gene\(gene_symbol: \$v\d, reference_genome: GRCh38\)/);
    const rows = await annotationRows(t, 'gnomad');
    expect(rows.PKD1.annotations).toMatchObject({
      gene_id: 'ENSG00000008710',
      constraint: { pli: 1, oe_lof: 0.12051, lof_z: 9.9605, mis_z: -4.3234, flags: [] },
    });
    expect(rows.PKD2).toMatchObject({ status: 'no_data' });
    expect(rows.UMOD).toMatchObject({ status: 'no_data' });
    expect(rows.NPHS1).toMatchObject({
      status: 'no_data',
      annotations: { reason: expect.stringMatching(/no constraint/) },
    });
    expect(Object.keys(await failureRows(t, 'gnomad'))).toEqual(['NPHS2']);
    const summary = await t.http().get(`/api/annotations/genes/${ids.COL4A5}/summary`).expect(200);
    expect(summary.body.summary).toMatchObject({ pli: 1, oe_lof: 0.09686, lof_z: 6.5869 });
  });

  it('asks again gene by gene when a batch is rejected', async () => {
    batchesRejected = true;
    try {
      const from = upstream.requests.length;
      const result = await runAnnotation(t, 'gnomad', { force: true });
      expect(result).toMatchObject({ status: 'completed', updated: 2, no_data: 3, failed: 1 });
      const sizes = upstream.requests
        .slice(from)
        .map((r) => Object.keys((JSON.parse(r.body) as { variables: object }).variables).length);
      expect(sizes).toEqual([6, 1, 1, 1, 1, 1, 1]);
    } finally {
      batchesRejected = false;
    }
  });
});
