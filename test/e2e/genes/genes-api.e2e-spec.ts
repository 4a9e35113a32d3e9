import { storeAnnotation } from '../../factories/annotations.js';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';

interface Row {
  id: string;
  attributes: {
    approved_symbol: string;
    evidence_score: number;
    evidence_count: number;
    evidence_tier: string;
  };
}
const symbols = (body: { data: Row[] }) => body.data.map((r) => r.attributes.approved_symbol);

describe('genes API', () => {
  let t: TestApp;
  let ids: Map<string, number>;
  const db = testDb(() => t.database!.url);

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ids = await seedGenes(t.app, SCORING_DATASET);
    const annotate = (gene: string, source: string, annotations: Record<string, unknown>) =>
      storeAnnotation(db, { geneId: ids.get(gene)!, source, annotations });
    await annotate('PKD1', 'hgnc', {
      ncbi_gene_id: '5310',
      ensembl_gene_id: 'ENSG00000008710',
      alias_symbol: ['PBP', 'Pc-1'],
      prev_symbol: [],
      name: 'polycystin 1, transient receptor potential channel interacting',
    });
    await annotate('PKD2', 'hgnc', {
      ncbi_gene_id: '5311',
      ensembl_gene_id: 'ENSG00000118762',
      alias_symbol: ['PC2', 'Pc-2'],
    });
    await annotate('COL4A5', 'hgnc', { ncbi_gene_id: '1287', alias_symbol: ['ATS', 'PC2'] });
    await annotate('UMOD', 'uniprot', { accession: 'P07911' });
    await annotate('PKD1', 'gnomad', { pli: 1, oe_lof: 0.12, oe_lof_upper: 0.2, lof_z: 9.1 });
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  describe('list', () => {
    it('answers JSON:API with default sort, zero scores hidden, meta and links', async () => {
      const res = await t.http().get('/api/genes').expect(200);
      expect(symbols(res.body)).toEqual(['PKD1', 'COL4A5', 'PKD2', 'NPHS1', 'UMOD']);
      expect(res.body.data[0]).toMatchObject({ type: 'genes', id: String(ids.get('PKD1')) });
      expect(res.body.meta).toMatchObject({
        total: 5,
        page: 1,
        per_page: 20,
        page_count: 1,
        total_genes: 9,
        hidden_zero_scores: 4,
        valid_groups: ['well_supported', 'emerging_evidence', 'insufficient'],
        filters: { evidence_score: { min: 0, max: 100 }, evidence_count: { min: 0, max: 7 } },
      });
      expect(res.body.meta.filters.available_sources).toHaveLength(7);
      expect(res.body.meta.evidence_tiers.well_supported).toEqual({
        total: 3,
        comprehensive_support: 1,
        multi_source_support: 1,
        established_support: 1,
      });
      expect(res.body.links).toEqual({
        self: '/api/genes?page[number]=1',
        first: '/api/genes?page[number]=1',
        last: '/api/genes?page[number]=1',
        prev: null,
        next: null,
      });
    });

    it('paginates, including a page past the end', async () => {
      const p2 = await t.http().get('/api/genes?page[size]=2&page[number]=2').expect(200);
      expect(symbols(p2.body)).toEqual(['PKD2', 'NPHS1']);
      expect(p2.body.meta).toMatchObject({ total: 5, page: 2, per_page: 2, page_count: 3 });
      expect(p2.body.links.prev).toBe('/api/genes?page[size]=2&page[number]=1');
      expect(p2.body.links.next).toBe('/api/genes?page[size]=2&page[number]=3');
      const past = await t.http().get('/api/genes?page[size]=2&page[number]=9').expect(200);
      expect(past.body.data).toEqual([]);
      expect(past.body.meta).toMatchObject({ total: 5, page: 9, page_count: 3 });
      expect(past.body.links.next).toBeNull();
    });

    it.each([
      [
        'filter[hide_zero_scores]=false',
        ['PKD1', 'COL4A5', 'PKD2', 'NPHS1', 'UMOD', 'CFH', 'HNF1B', 'NPHS2', 'SLC34A1'],
      ],
      ['filter[min_score]=20', ['PKD1', 'COL4A5', 'PKD2']],
      ['filter[max_score]=20', ['NPHS1', 'UMOD']],
      ['filter[min_count]=4', ['PKD1', 'COL4A5', 'PKD2']],
      ['filter[max_count]=1', ['NPHS1', 'UMOD']],
      ['filter[source]=ClinGen', ['PKD1', 'COL4A5', 'PKD2']],
      ['filter[tier]=minimal_evidence,preliminary_evidence', ['NPHS1', 'UMOD']],
      ['filter[group]=emerging_evidence', ['NPHS1', 'UMOD']],
      ['filter[search]=pkd', ['PKD1', 'PKD2']],
      ['filter[search]=PBP', ['PKD1']],
      ['filter[search]=HGNC:2207', ['COL4A5']],
      ['filter[search]=multi_source', ['COL4A5']],
      ['filter[search]=100%25', []],
      ['sort=approved_symbol', ['COL4A5', 'NPHS1', 'PKD1', 'PKD2', 'UMOD']],
      ['sort=-approved_symbol', ['UMOD', 'PKD2', 'PKD1', 'NPHS1', 'COL4A5']],
      ['sort=evidence_count,-score', ['NPHS1', 'UMOD', 'COL4A5', 'PKD2', 'PKD1']],
      ['sort=hgnc_id', ['COL4A5', 'NPHS1', 'PKD1', 'PKD2', 'UMOD']],
      ['sort=evidence_tier', ['PKD1', 'COL4A5', 'PKD2', 'NPHS1', 'UMOD']],
    ])('%s', async (query, expected) => {
      const res = await t.http().get(`/api/genes?${query}`).expect(200);
      expect(symbols(res.body)).toEqual(expected);
    });

    it('filters by ids', async () => {
      const res = await t
        .http()
        .get(`/api/genes?filter[ids]=${ids.get('PKD2')},${ids.get('UMOD')}`)
        .expect(200);
      expect(symbols(res.body).sort()).toEqual(['PKD2', 'UMOD']);
    });

    it.each([
      ['filter[tier]=gold', 'filter[tier]'],
      ['sort=-popularity', 'sort'],
      ['page[size]=101', 'page[size]'],
      ['page[number]=0', 'page[number]'],
      ['filter[min_score]=abc', 'filter[min_score]'],
      ['filter[ids]=1,x', 'filter[ids]'],
      ['filter[group]=all', 'filter[group]'],
      ['unknown=1', 'unknown'],
    ])('rejects %s with 400 naming %s', async (query, field) => {
      const res = await t.http().get(`/api/genes?${query}`).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('sends ETags and answers 304 to a matching If-None-Match', async () => {
      const first = await t.http().get('/api/genes?page[size]=3').expect(200);
      expect(first.headers.etag).toBeDefined();
      await t
        .http()
        .get('/api/genes?page[size]=3')
        .set('If-None-Match', first.headers.etag)
        .expect(304);
    });

    it('serves repeated list reads from the cache', async () => {
      await t.http().get('/api/genes?filter[search]=UMOD');
      const again = await t.http().get('/api/genes?filter[search]=UMOD').expect(200);
      expect(again.headers['x-cache']).toBe('HIT');
    });
  });

  describe('detail, evidence and annotations', () => {
    it('finds genes by symbol in any case or by HGNC id; 404 otherwise', async () => {
      await t.http().get('/api/genes/umod').expect(200);
      const byId = await t.http().get('/api/genes/HGNC:12559').expect(200);
      expect(byId.body.data.attributes.approved_symbol).toBe('UMOD');
      const missing = await t.http().get('/api/genes/NOTAGENE').expect(404);
      expect(missing.body.error.code).toBe('GENE_NOT_FOUND');
      await t.http().get('/api/genes/NOTAGENE/evidence').expect(404);
    });

    it('adds to evidence_data the figures the original evidence cards read, from the source scores', async () => {
      const res = await t.http().get('/api/genes/PKD1/evidence').expect(200);
      const by = Object.fromEntries(
        (
          res.body.data as {
            attributes: {
              source_name: string;
              normalized_score: number;
              evidence_data: Record<string, unknown>;
            };
          }[]
        ).map((e) => [e.attributes.source_name, e.attributes]),
      );
      // Definitive is the best ClinGen classification (1.0); Strong the best GenCC (0.8).
      expect(by.ClinGen.evidence_data).toMatchObject({
        classifications: ['Limited', 'Definitive'],
        max_classification_score: 1,
      });
      expect(by.GenCC.evidence_data.evidence_score).toBe(0.8);
      expect(by.HPO.evidence_data.evidence_score).toBe(
        Math.round(by.HPO.normalized_score * 1000) / 10,
      );
      expect(typeof by.HPO.evidence_data.last_updated).toBe('string');
      // What a source stored is never replaced.
      expect(by.PubTator.evidence_data).not.toHaveProperty('max_classification_score');
    });

    it('returns annotation rows and a summary with the right constraint keys', async () => {
      const pkd1 = ids.get('PKD1')!;
      const rows = await t.http().get(`/api/annotations/genes/${pkd1}/annotations`).expect(200);
      expect(Object.keys(rows.body.annotations).sort()).toEqual(['gnomad', 'hgnc']);
      // The original clients' shape: the gene, and a one-element list per source.
      expect(rows.body.gene).toEqual({ id: pkd1, symbol: 'PKD1', hgnc_id: 'HGNC:9008' });
      expect(rows.body.annotations.gnomad[0].data).toMatchObject({
        pli: 1,
        lof_z: 9.1,
        no_data_available: false,
        constraint_not_available: false,
      });
      const one = await t
        .http()
        .get(`/api/annotations/genes/${pkd1}/annotations?source=gnomad`)
        .expect(200);
      expect(Object.keys(one.body.annotations)).toEqual(['gnomad']);
      const summary = await t.http().get(`/api/annotations/genes/${pkd1}/summary`).expect(200);
      expect(summary.body.summary).toMatchObject({
        hgnc_id: 'HGNC:9008',
        ncbi_gene_id: '5310',
        ensembl_gene_id: 'ENSG00000008710',
        pli: 1,
        oe_lof: 0.12,
        oe_lof_upper: 0.2,
        lof_z: 9.1,
      });
      await t.http().get('/api/annotations/genes/999999/annotations').expect(404);
      // Several genes at once (a public read), unknown ids left out.
      const batch = await t
        .http()
        .post('/api/annotations/batch?sources=gnomad')
        .send([pkd1, 999999])
        .expect(200);
      expect(batch.body).toMatchObject({
        genes: { [pkd1]: { symbol: 'PKD1', hgnc_id: 'HGNC:9008' } },
        total_genes: 1,
        genes_with_annotations: 1,
      });
      expect(Object.keys(batch.body.annotations[pkd1])).toEqual(['gnomad']);
      expect(batch.body.annotations[pkd1].gnomad[0].data).toMatchObject({ pli: 1 });
      const tooMany = Array.from({ length: 101 }, (_, i) => i + 1);
      await t.http().post('/api/annotations/batch').send(tooMany).expect(400);
      await t
        .http()
        .post('/api/annotations/batch')
        .send({ gene_ids: [pkd1] })
        .expect(400);
      await t.http().get('/api/annotations/genes/abc/summary').expect(400);
      // Beyond the integer column's range: the database refuses it, the client gets a 400.
      const huge = await t.http().get('/api/annotations/genes/99999999999/summary').expect(400);
      expect(huge.body.error.code).toBe('INVALID_VALUE');
    });
  });

  describe('resolve', () => {
    const resolve = (q: string) =>
      t.http().get(`/api/genes/resolve?query=${encodeURIComponent(q)}`);

    it.each([
      ['HGNC:9008', 'PKD1', 'hgnc_id'],
      ['hgnc:9009', 'PKD2', 'hgnc_id'],
      ['ENSG00000008710', 'PKD1', 'ensembl'],
      ['ENSG00000118762.17', 'PKD2', 'ensembl'],
      ['5310', 'PKD1', 'ncbi'],
      ['P07911', 'UMOD', 'uniprot'],
      ['pkd1', 'PKD1', 'symbol'],
      ['  UMOD  ', 'UMOD', 'symbol'],
      ['PBP', 'PKD1', 'alias'],
      ['pc-1', 'PKD1', 'alias'],
      ['NPT2', 'SLC34A1', 'alias'],
      ['ATS', 'COL4A5', 'alias'],
      ['polycystin 1, transient receptor potential channel interacting', 'PKD1', 'alias'],
    ])('%s → %s (%s)', async (query, symbol, matchType) => {
      const res = await resolve(query).expect(200);
      expect(res.body.data.attributes).toMatchObject({
        approved_symbol: symbol,
        match_type: matchType,
      });
      expect(res.body.meta.ambiguous).toBe(false);
    });

    it('reports an alias shared by several genes as ambiguous', async () => {
      const res = await resolve('PC2').expect(200);
      expect(res.body.data).toBeNull();
      expect(res.body.meta.ambiguous).toBe(true);
      expect(
        res.body.meta.candidates.map((c: { approved_symbol: string }) => c.approved_symbol),
      ).toEqual(['COL4A5', 'PKD2']);
    });

    it.each(['HGNC:1', 'ENSG00000000001', '999999', 'NOPE'])(
      'answers 404 for %s',
      async (query) => {
        const res = await resolve(query).expect(404);
        expect(res.body.error.code).toBe('GENE_NOT_FOUND');
      },
    );

    it('requires a query', async () => {
      await t.http().get('/api/genes/resolve').expect(400);
    });
  });

  describe('create', () => {
    it('lets curators add a gene, not viewers or anonymous callers', async () => {
      const admin = await loginAdmin(t);
      const curator = await createUser(t, admin.accessToken, 'curator');
      const viewer = await createUser(t, admin.accessToken, 'viewer');
      const body = { hgnc_id: 'HGNC:7909', approved_symbol: 'NPHS3', aliases: ['PLCE1-AS'] };
      await t.http().post('/api/genes').send(body).expect(401);
      await t
        .http()
        .post('/api/genes')
        .set('Authorization', `Bearer ${viewer.accessToken}`)
        .send(body)
        .expect(403);
      const created = await t
        .http()
        .post('/api/genes')
        .set('Authorization', `Bearer ${curator.accessToken}`)
        .send(body)
        .expect(201);
      expect(created.body.data.attributes).toMatchObject({
        approved_symbol: 'NPHS3',
        evidence_score: 0,
        evidence_tier: 'no_evidence',
        sources: [],
      });
      const dupe = await t
        .http()
        .post('/api/genes')
        .set('Authorization', `Bearer ${curator.accessToken}`)
        .send({ hgnc_id: 'HGNC:7910', approved_symbol: 'nphs3' })
        .expect(409);
      expect(dupe.body.error.code).toBe('CONFLICT');
      const bad = await t
        .http()
        .post('/api/genes')
        .set('Authorization', `Bearer ${curator.accessToken}`)
        .send({ hgnc_id: '7911', approved_symbol: 'A B' })
        .expect(400);
      expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'approved_symbol',
        'hgnc_id',
      ]);
    });
  });
});
