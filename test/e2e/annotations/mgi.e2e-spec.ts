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

type Table = { views: string[]; results: (string | null)[][] } & Record<string, unknown>;
const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/upstream/mgi/${name}`, import.meta.url), 'utf8');
const orthologAnswer = JSON.parse(fixture('hgene-mphenotype.json')) as Table;
const genotypeAnswer = JSON.parse(fixture('genotype-phenotype.json')) as Table;

const send = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const paramsOf = (url: string) => new URL(url, 'http://x').searchParams;

describe('MGI mouse phenotypes (mpo_mgi) against the fixture server', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let ids: Record<string, number>;
  /** Answers HGene_MPhenotype gives before working, one per request. */
  let orthologFailures: { status: number; body?: unknown; headers?: object }[] = [];
  /** When set, batches (more than one symbol) get this 200 body instead of rows. */
  let batchBody: unknown = null;
  /** Human symbols whose LOOKUP answers `wasSuccessful: false`. */
  let rejectedSymbols = new Set<string>();
  /** Mouse symbols whose genotype query answers 400. */
  let genotypeRejected = new Set<string>();
  const templateRequests = (name: string) =>
    upstream.requests.filter(
      (r) => r.url.startsWith('/service/template/results') && paramsOf(r.url).get('name') === name,
    );

  beforeAll(async () => {
    await upstream.start();
    upstream.route('GET', '/obo/mp.json', (_req, res) => send(res, 200, fixture('mp.json')));
    upstream.route('GET', '/service/version/release', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('MGI 6.24\n');
    });
    upstream.route('GET', '/service/template/results', (req, res) => {
      const q = paramsOf(req.url!);
      const value = q.get('value1') ?? '';
      if (q.get('format') !== 'json' || q.has('size')) {
        return send(res, 400, { error: 'params' });
      }
      if (q.get('name') === 'HGene_MPhenotype') {
        if (q.get('constraint1') !== 'Gene' || q.get('op1') !== 'LOOKUP') {
          return send(res, 400, {});
        }
        if (q.get('extra1') !== 'H. sapiens') {
          return send(res, 400, { error: 'organism' });
        }
        const failure = orthologFailures.shift();
        if (failure) {
          return send(res, failure.status, failure.body ?? {}, failure.headers);
        }
        const wanted = new Set(value.split(','));
        if ([...wanted].some((w) => rejectedSymbols.has(w))) {
          return send(res, 200, {
            wasSuccessful: false,
            error: 'Query timed out',
            statusCode: 500,
          });
        }
        if (batchBody !== null && wanted.size > 1) {
          return send(res, 200, batchBody);
        }
        const at = orthologAnswer.views.indexOf('Gene.symbol');
        const results = orthologAnswer.results.filter((r) => wanted.has(r[at]!));
        return send(res, 200, { ...orthologAnswer, results });
      }
      if (q.get('name') === '_Genotype_Phenotype') {
        if (
          q.get('constraint1') !== 'OntologyAnnotation.subject.symbol' ||
          q.get('op1') !== 'CONTAINS'
        ) {
          return send(res, 400, {});
        }
        if (genotypeRejected.has(value)) {
          return send(res, 400, { wasSuccessful: false, error: 'bad query', statusCode: 400 });
        }
        const at = genotypeAnswer.views.indexOf('OntologyAnnotation.subject.symbol');
        const results = genotypeAnswer.results.filter((r) =>
          r[at]!.toLowerCase().includes(value.toLowerCase()),
        );
        return send(res, 200, { ...genotypeAnswer, results });
      }
      send(res, 400, { error: 'unknown template' });
    });
    t = await createTestApp({
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        MGI_MP_ONTOLOGY_URL: `${upstream.baseUrl}/obo/mp.json`,
        MOUSEMINE_URL: `${upstream.baseUrl}/service`,
        MOUSEMINE_BATCH_SIZE: '2',
      },
    });
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'NPHS1', 'UMOD', 'NPHS2']);
    await seedHgncIds(t, ids);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  beforeEach(() => {
    upstream.requests.length = 0;
    orthologFailures = [];
    batchBody = null;
    genotypeRejected = new Set();
    rejectedSymbols = new Set();
  });

  it('stores kidney phenotypes (non-kidney MP terms left out) with zygosity, in batches of 2', async () => {
    const result = await runAnnotation(t, 'mpo_mgi', { force: true });
    expect(result).toMatchObject({
      status: 'completed',
      version: 'MP 2025-03-12; MouseMine MGI 6.24',
      genes_total: 5,
      updated: 4,
      no_data: 1,
      failed: 0,
    });
    // Five genes in batches of two: three LOOKUP requests covering each symbol once.
    const lookups = templateRequests('HGene_MPhenotype').map((r) => paramsOf(r.url).get('value1')!);
    expect(lookups).toHaveLength(3);
    expect(lookups.map((v) => v.split(',').length).sort()).toEqual([1, 2, 2]);
    expect(lookups.flatMap((v) => v.split(',')).sort()).toEqual(
      ['NPHS1', 'NPHS2', 'PKD1', 'PKD2', 'UMOD'].sort(),
    );
    // Zygosity is asked once per ortholog of a gene with a kidney phenotype.
    const genotypes = templateRequests('_Genotype_Phenotype').map((r) =>
      paramsOf(r.url).get('value1'),
    );
    expect(genotypes.sort()).toEqual(['Nphs1', 'Pkd1', 'Pkd2', 'Umod']);

    const rows = await annotationRows(t, 'mpo_mgi');
    const none = { has_kidney_phenotype: false, phenotype_count: 0, phenotypes: [] };
    // PKD1: five distinct MP terms (the polycystic kidney row appears twice); three are
    // below MP:0005367, abnormal survival and the cardiovascular term are not. Its
    // genotypes: hm polycystic kidney (+ abnormal survival), ht kidney cysts, cn polycystic
    // kidney; the Pkd1l1 genotype the CONTAINS search also returns is not Pkd1's.
    expect(rows.PKD1).toMatchObject({
      status: 'data',
      version: 'MP 2025-03-12; MouseMine MGI 6.24',
    });
    const pkd1Kidney = [
      { term: 'MP:0002135', name: 'abnormal kidney morphology' },
      { term: 'MP:0003675', name: 'kidney cysts' },
      { term: 'MP:0008528', name: 'polycystic kidney' },
    ];
    const pkd1Zygosity = {
      homozygous: {
        has_kidney_phenotype: true,
        phenotype_count: 1,
        phenotypes: [{ term: 'MP:0008528', name: 'polycystic kidney' }],
      },
      heterozygous: {
        has_kidney_phenotype: true,
        phenotype_count: 1,
        phenotypes: [{ term: 'MP:0003675', name: 'kidney cysts' }],
      },
      conditional: {
        has_kidney_phenotype: true,
        phenotype_count: 1,
        phenotypes: [{ term: 'MP:0008528', name: 'polycystic kidney' }],
      },
    };
    expect(rows.PKD1.annotations).toEqual({
      gene_symbol: 'PKD1',
      mouse_orthologs: ['Pkd1'],
      has_kidney_phenotype: true,
      kidney_phenotypes: pkd1Kidney,
      kidney_phenotype_count: 3,
      total_phenotypes: 5,
      mp_terms_searched: 7,
      zygosity: pkd1Zygosity,
      summary: 'hm (true); ht (true)',
      // The original's names, which its gene page reads.
      phenotypes: pkd1Kidney,
      phenotype_count: 3,
      zygosity_analysis: { ...pkd1Zygosity, summary: 'hm (true); ht (true)' },
      system_analysis: { renal_urinary: { phenotype_count: 3, phenotypes: pkd1Kidney } },
    });
    // PKD2: homozygotes only show abnormal survival, heterozygotes kidney cysts.
    expect(rows.PKD2.annotations).toMatchObject({
      mouse_orthologs: ['Pkd2'],
      kidney_phenotype_count: 2,
      total_phenotypes: 3,
      zygosity: {
        homozygous: none,
        heterozygous: { phenotype_count: 1, phenotypes: [{ term: 'MP:0003675' }] },
        conditional: none,
      },
      summary: 'hm (false); ht (true)',
    });
    expect(rows.NPHS1.annotations).toMatchObject({
      kidney_phenotypes: [{ term: 'MP:0002135' }, { term: 'MP:0002136' }],
      total_phenotypes: 3,
      zygosity: { homozygous: { phenotype_count: 2 }, heterozygous: none },
      summary: 'hm (true); ht (false)',
    });
    // UMOD: kidney phenotypes at the marker, no genotype rows: empty zygosity buckets.
    expect(rows.UMOD.annotations).toMatchObject({
      kidney_phenotypes: [
        { term: 'MP:0002136', name: 'abnormal kidney physiology' },
        { term: 'MP:0005502', name: 'abnormal renal/urinary system physiology' },
      ],
      kidney_phenotype_count: 2,
      total_phenotypes: 2,
      zygosity: { homozygous: none, heterozygous: none, conditional: none },
      summary: 'hm (false); ht (false)',
    });
    // NPHS2: MouseMine returns no rows, i.e. no mouse ortholog with phenotypes.
    expect(rows.NPHS2).toMatchObject({ status: 'no_data' });
    expect(rows.NPHS2.annotations.reason).toMatch(/no mouse ortholog/);
  });

  it('keeps the derived kidney term set cached: a run without force reads no ontology', async () => {
    const result = await runAnnotation(t, 'mpo_mgi');
    expect(result).toMatchObject({ status: 'completed', updated: 4, failed: 0 });
    expect(upstream.requests.filter((r) => r.url === '/obo/mp.json')).toHaveLength(0);
  });

  it('retries 5xx and 429 with Retry-After', async () => {
    orthologFailures = [
      { status: 503, body: { error: 'busy' } },
      { status: 429, headers: { 'Retry-After': '1' } },
    ];
    const started = Date.now();
    const result = await runAnnotation(t, 'mpo_mgi', { force: true });
    expect(result).toMatchObject({ status: 'completed', updated: 4, no_data: 1, failed: 0 });
    // The first batch took three attempts; Retry-After held the third back about a second.
    expect(templateRequests('HGene_MPhenotype')).toHaveLength(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('retries a malformed batch gene by gene, and records genes whose answer stays unusable', async () => {
    batchBody = '{"views": ["Gene.symbol"], "results": [';
    let result = await runAnnotation(t, 'mpo_mgi', { force: true });
    // Every batch of two failed; each gene was asked alone and answered.
    expect(result).toMatchObject({ status: 'completed', updated: 4, no_data: 1, failed: 0 });
    expect(templateRequests('HGene_MPhenotype')).toHaveLength(3 + 4);

    batchBody = null;
    rejectedSymbols = new Set(['PKD1']);
    result = await runAnnotation(t, 'mpo_mgi', { geneIds: [ids.PKD1, ids.PKD2], force: true });
    // The batch failed, PKD2 alone answered, PKD1 alone got the same unusable answer.
    expect(result).toMatchObject({ status: 'completed', updated: 1, failed: 1 });
    const failures = await failureRows(t, 'mpo_mgi');
    expect(Object.keys(failures)).toEqual(['PKD1']);
    expect(failures.PKD1.reason).toMatch(/wasSuccessful is false: Query timed out/);
  });

  it('fails clearly when a needed column is missing, and when the JSON is cut off', async () => {
    const views = orthologAnswer.views.filter((v) => v !== 'Gene.homologues.homologue.symbol');
    const bad = { ...orthologAnswer, views, results: [] };
    orthologFailures = [
      { status: 200, body: bad },
      { status: 200, body: bad },
    ];
    let result = await runAnnotation(t, 'mpo_mgi', { geneIds: [ids.UMOD], force: true });
    expect(result).toMatchObject({ status: 'failed', failed: 1 });
    expect((await failureRows(t, 'mpo_mgi')).UMOD.reason).toMatch(
      /no column Gene\.homologues\.homologue\.symbol in views/,
    );
    orthologFailures = [
      { status: 200, body: '{"results": [["HGNC:12559"' },
      { status: 200, body: '{"results": [["HGNC:12559"' },
    ];
    result = await runAnnotation(t, 'mpo_mgi', { geneIds: [ids.UMOD], force: true });
    expect(result).toMatchObject({ status: 'failed', failed: 1 });
    expect((await failureRows(t, 'mpo_mgi')).UMOD.reason).toMatch(/did not return JSON/);
  });

  it('records a gene whose zygosity query fails, without failing the others', async () => {
    genotypeRejected = new Set(['Pkd2']);
    const result = await runAnnotation(t, 'mpo_mgi', { force: true });
    expect(result).toMatchObject({ status: 'completed', updated: 3, no_data: 1, failed: 1 });
    const failures = await failureRows(t, 'mpo_mgi');
    expect(failures.PKD2.reason).toMatch(/zygosity of Pkd2/);
    expect(failures.PKD1).toBeUndefined();
  });
});
