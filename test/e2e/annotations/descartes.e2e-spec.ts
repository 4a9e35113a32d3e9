import { readFileSync } from 'node:fs';

import {
  annotationRows,
  db,
  failureRows,
  FIXTURE_UPSTREAM_ENV,
  insertGenes,
  runAnnotation,
} from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/upstream/descartes/${name}`, import.meta.url), 'utf8');
const TABLES = '/data/bbi/descartes/human_gtex/tables';
const TPM_PATH = `${TABLES}/tissue_tpm/kidney.csv`;
const PERCENTAGE_PATH = `${TABLES}/tissue_percentage/kidney.csv`;

describe('Descartes annotation against the fixture server', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let ids: Record<string, number>;
  /** Status answered on every request to a path instead of its table. */
  const failing: Record<string, number | undefined> = {};
  const requests = (path: string) => upstream.requests.filter((r) => r.url === path).length;
  const storedCount = async () =>
    (
      await db(t).query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM gene_annotations WHERE source = 'descartes'`,
      )
    )[0].n;

  beforeAll(async () => {
    await upstream.start();
    for (const [path, file] of [
      [TPM_PATH, 'kidney-tpm.csv'],
      [PERCENTAGE_PATH, 'kidney-percentage.csv'],
    ]) {
      upstream.route('GET', path, (_req, res) => {
        const status = failing[path];
        if (status) {
          res.writeHead(status, { 'content-type': 'text/html' });
          return void res.end('<html><body>Request blocked.</body></html>');
        }
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.end(fixture(file));
      });
    }
    t = await createTestApp({
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        DESCARTES_TPM_URL: `${upstream.baseUrl}${TPM_PATH}`,
        DESCARTES_PERCENTAGE_URL: `${upstream.baseUrl}${PERCENTAGE_PATH}`,
      },
    });
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'NPHS1', 'NPHS2', 'COL4A5', 'UMOD']);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('annotates every gene from one download of each table', async () => {
    const result = await runAnnotation(t, 'descartes');
    expect(requests(TPM_PATH)).toBe(1);
    expect(requests(PERCENTAGE_PATH)).toBe(1);
    // COL4A5 is in neither table: no data. PKD2's percentage reads `NA`: that gene fails.
    expect(result).toMatchObject({
      status: 'completed',
      version: 'human_gtex',
      genes_total: 6,
      updated: 4,
      no_data: 1,
      failed: 1,
    });
    const rows = await annotationRows(t, 'descartes');
    expect(rows.NPHS2).toEqual({
      version: 'human_gtex',
      status: 'data',
      annotations: {
        gene_symbol: 'NPHS2',
        dataset_version: 'human_gtex',
        tissue: 'kidney',
        kidney_tpm: 13.6,
        kidney_percentage: 0.0241,
      },
    });
    expect(rows.COL4A5).toMatchObject({ status: 'no_data' });
    expect(rows.PKD2).toBeUndefined();
    expect(await failureRows(t, 'descartes')).toEqual({
      PKD2: {
        reason: 'Descartes: kidney percentage of PKD2 is not a number (["PKD2","NA"])',
        attempts: 1,
      },
    });
  });

  it('shows the figures under `descartes` on the original-shape gene annotations route', async () => {
    const res = await t.http().get(`/api/annotations/genes/${ids.NPHS1}/annotations`).expect(200);
    expect(res.body.annotations.descartes).toEqual([
      expect.objectContaining({
        source: 'descartes',
        version: 'human_gtex',
        data: expect.objectContaining({
          no_data_available: false,
          kidney_tpm: 9.72,
          kidney_percentage: 0.0206,
        }) as unknown,
      }),
    ]);
    const none = await t
      .http()
      .get(`/api/annotations/genes/${ids.COL4A5}/annotations?source=descartes`)
      .expect(200);
    expect(Object.keys(none.body.annotations)).toEqual(['descartes']);
    expect(none.body.annotations.descartes[0].data).toMatchObject({ no_data_available: true });
  });

  it('fails the run on a 403 from the host (its CDN blocks scripts), keeping the stored rows', async () => {
    const before = await annotationRows(t, 'descartes');
    failing[TPM_PATH] = 403;
    const tpmBefore = requests(TPM_PATH);
    try {
      const result = await runAnnotation(t, 'descartes', { force: true });
      // A 403 is final: asked once, not retried.
      expect(requests(TPM_PATH) - tpmBefore).toBe(1);
      expect(result).toMatchObject({ status: 'failed', updated: 0, no_data: 0, genes_total: 0 });
      expect(result.error).toMatch(/^descartes run failed: .*tissue_tpm\/kidney\.csv answered 403/);
    } finally {
      failing[TPM_PATH] = undefined;
    }
    expect(await annotationRows(t, 'descartes')).toEqual(before);
    const sources = await t.http().get('/api/annotations/sources').expect(200);
    expect((sources.body as { name: string }[]).find((s) => s.name === 'descartes')).toMatchObject({
      genes_annotated: 4,
      no_data: 1,
    });
  });

  it('fails the run when the other table keeps answering 500, after retrying it', async () => {
    failing[PERCENTAGE_PATH] = 500;
    const before = requests(PERCENTAGE_PATH);
    try {
      const result = await runAnnotation(t, 'descartes', { force: true });
      // UPSTREAM_MAX_ATTEMPTS=3 in the fixture environment.
      expect(requests(PERCENTAGE_PATH) - before).toBe(3);
      expect(result.status).toBe('failed');
      expect(result.error).toMatch(/tissue_percentage\/kidney\.csv answered 500/);
    } finally {
      failing[PERCENTAGE_PATH] = undefined;
    }
    expect(await storedCount()).toBe(5);
  });

  it('fails the run on an error page answered as 200, rather than storing "no data" for all', async () => {
    upstream.route('GET', PERCENTAGE_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Please enable JavaScript to continue.</body></html>');
    });
    const result = await runAnnotation(t, 'descartes', { force: true });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/Descartes kidney percentage: no usable "symbol,value" rows/);
    expect(await storedCount()).toBe(5);
    expect(Object.keys(await failureRows(t, 'descartes'))).toEqual(['PKD2']);
  });
});
