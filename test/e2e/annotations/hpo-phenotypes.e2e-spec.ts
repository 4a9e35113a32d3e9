import { readFileSync } from 'node:fs';

import {
  annotationRows,
  db,
  FIXTURE_UPSTREAM_ENV,
  insertGenes,
  runAnnotation,
  seedHgncIds,
} from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/upstream/hpo/${name}`, import.meta.url), 'utf8');

describe('HPO phenotype annotation against the fixture server', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let ids: Record<string, number>;
  let ontologyFailures: { status: number; headers?: Record<string, string> }[] = [];
  let genesFile = fixture('genes_to_phenotype.txt');
  let ontologyRequests = 0;

  beforeAll(async () => {
    await upstream.start();
    upstream.route('GET', '/obo/hp.json', (_q, res) => {
      ontologyRequests += 1;
      const failure = ontologyFailures.shift();
      if (failure) {
        res.writeHead(failure.status, failure.headers ?? {});
        res.end('busy');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(fixture('hp.json'));
    });
    upstream.route('GET', '/obo/hp/hpoa/genes_to_phenotype.txt', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(genesFile);
    });
    t = await createTestApp({
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        HPO_ONTOLOGY_URL: `${upstream.baseUrl}/obo/hp.json`,
        HPO_GENES_TO_PHENOTYPE_URL: `${upstream.baseUrl}/obo/hp/hpoa/genes_to_phenotype.txt`,
      },
    });
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'NPHS1', 'NPHS2', 'COL4A5', 'UMOD']);
    // UMOD has no NCBI id stored: it is matched by symbol.
    const { UMOD, ...withIds } = ids;
    await seedHgncIds(t, withIds);
    expect(UMOD).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('classifies every listed gene after a 503 and a 429 on the ontology', async () => {
    ontologyFailures = [{ status: 503 }, { status: 429, headers: { 'Retry-After': '0' } }];
    ontologyRequests = 0;
    const result = await runAnnotation(t, 'hpo_phenotypes');
    expect(ontologyRequests).toBe(3);
    // NPHS2 is not in the file: no data, not a failure.
    expect(result).toMatchObject({
      status: 'completed',
      version: '2026-06-06',
      genes_total: 6,
      updated: 5,
      no_data: 1,
      failed: 0,
    });
    const rows = await annotationRows(t, 'hpo_phenotypes');
    expect(rows.NPHS2).toMatchObject({ status: 'no_data' });
    expect(rows.COL4A5.version).toBe('2026-06-06');
    // Hematuria, proteinuria and hearing loss are phenotypes; X-linked inheritance is not.
    expect(rows.COL4A5.annotations).toMatchObject({
      gene_symbol: 'COL4A5',
      ncbi_gene_id: '1287',
      phenotype_count: 3,
      kidney_phenotype_count: 2,
      inheritance: [{ id: 'HP:0001417', name: 'X-linked inheritance' }],
      diseases: [{ id: 'OMIM:301050', db: 'OMIM', db_id: '301050' }],
      classification: {
        clinical_group: {
          primary: 'glomerulopathy',
          supporting_terms: ['HP:0000093', 'HP:0000790'],
        },
        syndromic_assessment: {
          // 1 head/neck term of 3 phenotypes.
          is_syndromic: true,
          syndromic_score: 0.333,
          extra_renal_categories: ['head_neck'],
        },
      },
    });
    // Congenital nephrotic syndrome supports glomerulopathy through nephrotic syndrome;
    // congenital onset is an onset, not a phenotype.
    expect(rows.NPHS1.annotations).toMatchObject({
      phenotype_count: 5,
      kidney_phenotype_count: 5,
      classification: {
        clinical_group: { primary: 'glomerulopathy', supporting_terms: ['HP:0008677'] },
        onset_group: { primary: 'congenital', scores: { congenital: 1 } },
        syndromic_assessment: { is_syndromic: false, syndromic_score: 0 },
      },
    });
    expect(rows.UMOD.annotations).toMatchObject({ ncbi_gene_id: '7369', phenotype_count: 5 });
    expect(rows.PKD2.annotations).toMatchObject({
      classification: { clinical_group: { primary: 'cyst_cilio' } },
    });
  });

  it('shows the classification on the gene annotations endpoint', async () => {
    const res = await t
      .http()
      .get(`/api/annotations/genes/${ids.COL4A5}/annotations?source=hpo_phenotypes`)
      .expect(200);
    // Under the original clients' key `hpo`, which `?source=` also accepts.
    expect(Object.keys(res.body.annotations)).toEqual(['hpo']);
    expect(res.body.annotations.hpo[0]).toMatchObject({
      version: '2026-06-06',
      data: { classification: { clinical_group: { primary: 'glomerulopathy' } } },
    });
    const byOriginalKey = await t
      .http()
      .get(`/api/annotations/genes/${ids.COL4A5}/annotations?source=hpo`)
      .expect(200);
    expect(byOriginalKey.body.annotations).toEqual(res.body.annotations);
    const summary = await t.http().get(`/api/annotations/genes/${ids.NPHS1}/summary`).expect(200);
    expect(summary.body.summary).toMatchObject({
      kidney_phenotype_count: 5,
      clinical_group: 'glomerulopathy',
      onset_group: 'congenital',
      is_syndromic: false,
    });
  });

  it('answers classifications for a list of gene ids, and 400 for a bad list', async () => {
    const res = await t
      .http()
      .post('/api/genes/hpo-classifications')
      .send({ gene_ids: [ids.NPHS1, ids.COL4A5, ids.NPHS2, ids.NPHS1, 999999] })
      .expect(200);
    expect(res.body.data).toEqual(
      [
        {
          gene_id: ids.NPHS1,
          gene_symbol: 'NPHS1',
          clinical_group: 'glomerulopathy',
          onset_group: 'congenital',
          is_syndromic: false,
          kidney_phenotype_count: 5,
        },
        {
          gene_id: ids.COL4A5,
          gene_symbol: 'COL4A5',
          clinical_group: 'glomerulopathy',
          onset_group: null,
          is_syndromic: true,
          kidney_phenotype_count: 2,
        },
      ].sort((a, b) => a.gene_id - b.gene_id),
    );
    expect(res.body.metadata).toMatchObject({
      gene_count: 2,
      not_found: [ids.NPHS2, 999999],
    });
    for (const gene_ids of [[], [0], ['PKD1'], Array.from({ length: 1001 }, (_, i) => i + 1)]) {
      const bad = await t.http().post('/api/genes/hpo-classifications').send({ gene_ids });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('fails the run on a file without its header and keeps the stored rows', async () => {
    genesFile = '<html><body>Service temporarily unavailable</body></html>';
    const before = await annotationRows(t, 'hpo_phenotypes');
    const result = await runAnnotation(t, 'hpo_phenotypes', { force: true });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/no header line/);
    expect(await annotationRows(t, 'hpo_phenotypes')).toEqual(before);
    const [{ n }] = await db(t).query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM annotation_failures WHERE source = 'hpo_phenotypes'`,
    );
    expect(n).toBe(0);
    genesFile = fixture('genes_to_phenotype.txt');
  });
});
