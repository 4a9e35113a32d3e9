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
    readFileSync(new URL(`../../fixtures/upstream/gtex/${name}`, import.meta.url), 'utf8'),
  ) as { data: Record<string, unknown>[]; paging_info: Record<string, number> };

const send = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('GTEx annotation against the fixture server', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let ids: Record<string, number>;
  let medianFailures: { status: number; headers?: object }[] = [];
  let medianRows = fixture('median-pkd1.json').data;
  /** Splits the median rows over pages of this size (0-based pages). */
  let pageSize = 1000;

  beforeAll(async () => {
    await upstream.start();
    upstream.route('GET', '/api/v2/reference/gene', (req, res) => {
      const wanted = new URL(req.url!, 'http://x').searchParams.getAll('geneId');
      const known = fixture('reference-pkd1.json').data;
      const data = known.filter((r) => wanted.includes(String(r.gencodeId).split('.')[0]));
      send(res, 200, { data, paging_info: { numberOfPages: 1, page: 0 } });
    });
    upstream.route('GET', '/api/v2/expression/medianGeneExpression', (req, res) => {
      const failure = medianFailures.shift();
      if (failure) {
        return send(res, failure.status, { detail: 'busy' }, failure.headers);
      }
      const params = new URL(req.url!, 'http://x').searchParams;
      if (params.get('datasetId') !== 'gtex_v8') {
        return send(res, 422, { detail: 'dataset' });
      }
      const page = Number(params.get('page'));
      const wanted = params.getAll('gencodeId');
      const rows = medianRows.filter((r) => wanted.includes(String(r.gencodeId)));
      send(res, 200, {
        data: rows.slice(page * pageSize, (page + 1) * pageSize),
        paging_info: { numberOfPages: Math.ceil(rows.length / pageSize), page },
      });
    });
    t = await createTestApp({
      env: { ...FIXTURE_UPSTREAM_ENV, GTEX_URL: `${upstream.baseUrl}/api/v2` },
    });
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'UMOD']);
    await seedHgncIds(t, ids);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('stores median TPM per tissue with the versioned GENCODE id, across pages and a 429', async () => {
    medianFailures = [{ status: 429, headers: { 'Retry-After': '0' } }];
    pageSize = 1;
    const result = await runAnnotation(t, 'gtex');
    expect(result).toMatchObject({
      status: 'completed',
      version: 'gtex_v8',
      genes_total: 3,
      updated: 1,
      no_data: 2,
      failed: 0,
    });
    const rows = await annotationRows(t, 'gtex');
    expect(rows.PKD1.annotations).toMatchObject({
      gencode_id: 'ENSG00000008710.19',
      dataset: 'gtex_v8',
      kidney: { cortex_tpm: 8.34398, medulla_tpm: 12.0618 },
      top_tissue: { tissue: 'Kidney_Medulla', median_tpm: 12.0618 },
      tissue_count: 2,
      tissues: { Kidney_Cortex: { median_tpm: 8.34398 } },
    });
    expect(rows.PKD2).toMatchObject({ status: 'no_data' });
  });

  it('records a malformed median row as a failure of that gene', async () => {
    pageSize = 1000;
    medianRows = medianRows.map((r) =>
      r.tissueSiteDetailId === 'Kidney_Medulla' ? { ...r, median: 'NA' } : r,
    );
    const result = await runAnnotation(t, 'gtex', { geneIds: [ids.PKD1], force: true });
    expect(result).toMatchObject({ status: 'failed', failed: 1 });
    expect((await failureRows(t, 'gtex')).PKD1.reason).toMatch(/malformed median row/);
  });
});
