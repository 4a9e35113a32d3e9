import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { CacheService } from '../../../src/cache/cache.service.js';
import { GeneSetsService } from '../../../src/genes/gene-sets/gene-sets.service.js';
import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import { FirstStartIngestion } from '../../../src/pipeline/first-start-ingestion.service.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';

interface CyNode {
  data: {
    id: string;
    label: string;
    gene_id: number;
    degree: number;
    cluster_id?: number;
    color?: string;
  };
}
interface CyEdge {
  data: { id: string; source: string; target: string; weight: number; string_score: number };
}
const isEdge = (e: CyNode | CyEdge): e is CyEdge => 'source' in e.data;
const split = (elements: (CyNode | CyEdge)[]) => ({
  nodes: elements.filter((e): e is CyNode => !isEdge(e)),
  edges: elements.filter(isEdge),
});

/** Weighted modularity Q = Σ_c [W_c / m − (S_c / 2m)²], computed here from an answer. */
function modularityOf(edges: CyEdge[], clusterOf: Record<string, number>): number {
  const m = edges.reduce((s, e) => s + e.data.weight, 0);
  const inside = new Map<number, number>();
  const strength = new Map<number, number>();
  for (const { data } of edges) {
    const [a, b] = [clusterOf[data.source], clusterOf[data.target]];
    if (a === b) {
      inside.set(a, (inside.get(a) ?? 0) + data.weight);
    }
    strength.set(a, (strength.get(a) ?? 0) + data.weight);
    strength.set(b, (strength.get(b) ?? 0) + data.weight);
  }
  let q = 0;
  for (const [c, s] of strength) {
    q += (inside.get(c) ?? 0) / m - (s / (2 * m)) ** 2;
  }
  return q;
}

describe('network analysis on the offline snapshot', () => {
  let t: TestApp;
  let ds: DataSource;
  let allIds: number[];
  let idOf: Record<string, number>;

  const post = (path: string, body: object) => t.http().post(`/api/network/${path}`).send(body);

  beforeAll(async () => {
    t = await createTestApp({
      env: { SNAPSHOT_INGEST_ON_START: 'true', RATE_LIMIT_PER_MINUTE: '100000' },
    });
    await t.app.get(FirstStartIngestion).done;
    await t.app.get(ScoreRefresher).settled();
    ds = t.app.get<DataSource>(getDataSourceToken());
    const genes = await ds.query<{ id: number; symbol: string }[]>(
      `SELECT id, approved_symbol AS symbol FROM genes ORDER BY id`,
    );
    allIds = genes.map((g) => g.id);
    idOf = Object.fromEntries(genes.map((g) => [g.symbol, g.id]));
  });
  afterAll(() => t.close());

  /** The pairs the stored STRING rows list among `ids` at ≥ min, each pair once (max score). */
  async function storedPairs(ids: number[], min: number): Promise<Map<string, number>> {
    const rows = await ds.query<
      {
        gene_id: number;
        annotations: { interactions: { partner_gene_id: number; string_score: number }[] };
      }[]
    >(`SELECT gene_id, annotations FROM gene_annotations WHERE source = 'string_ppi'`);
    const wanted = new Set(ids);
    const pairs = new Map<string, number>();
    for (const row of rows) {
      for (const i of row.annotations.interactions ?? []) {
        const [a, b] = [row.gene_id, i.partner_gene_id].sort((x, y) => x - y);
        if (!wanted.has(a) || !wanted.has(b) || i.string_score < min) {
          continue;
        }
        pairs.set(`${a}_${b}`, Math.max(pairs.get(`${a}_${b}`) ?? 0, i.string_score));
      }
    }
    return pairs;
  }

  describe('build', () => {
    it('has one edge per stored pair (maximum score, weight = score/1000) and true degrees', async () => {
      const res = await post('build', { gene_ids: allIds, min_string_score: 400 }).expect(200);
      const { nodes, edges } = split(res.body.cytoscape_json.elements);
      const expected = await storedPairs(allIds, 400);
      expect(expected.size).toBeGreaterThan(10);
      expect(res.body.edges).toBe(expected.size);
      expect(edges).toHaveLength(expected.size);
      for (const { data } of edges) {
        expect(data.id).toBe(`${data.source}_${data.target}`);
        expect(data.string_score).toBe(expected.get(data.id));
        expect(data.weight).toBeCloseTo(data.string_score / 1000, 12);
      }
      expect(res.body.nodes).toBe(allIds.length);
      expect(nodes.map((n) => n.data.gene_id)).toEqual(allIds);
      const degree = new Map<string, number>();
      for (const { data } of edges) {
        degree.set(data.source, (degree.get(data.source) ?? 0) + 1);
        degree.set(data.target, (degree.get(data.target) ?? 0) + 1);
      }
      for (const { data } of nodes) {
        expect(data.degree).toBe(degree.get(data.id) ?? 0);
        expect(data.id).toBe(String(data.gene_id));
        expect(typeof data.label).toBe('string');
      }
      expect(res.body.string).toMatchObject({ version: '12.0', min_string_score: 400 });
      expect(res.body.unknown_gene_ids).toEqual([]);
    });

    it('filters: no isolated genes, largest component only, and a higher score threshold', async () => {
      const full = await post('build', { gene_ids: allIds }).expect(200);
      const noIsolated = await post('build', { gene_ids: allIds, remove_isolated: true }).expect(
        200,
      );
      const { nodes } = split(noIsolated.body.cytoscape_json.elements);
      expect(nodes.every((n) => n.data.degree >= 1)).toBe(true);
      expect(noIsolated.body.edges).toBe(full.body.edges);
      const largest = await post('build', {
        gene_ids: allIds,
        largest_component_only: true,
      }).expect(200);
      expect(largest.body.components).toBe(1);
      expect(largest.body.nodes).toBeLessThan(noIsolated.body.nodes + 1);
      const strict = await post('build', { gene_ids: allIds, min_string_score: 900 }).expect(200);
      expect(strict.body.edges).toBe((await storedPairs(allIds, 900)).size);
      expect(strict.body.edges).toBeLessThan(full.body.edges);
    });

    it('answers a repeated request from the cache, whatever the order and duplicates of its ids', async () => {
      const cache = t.app.get(CacheService);
      await cache.clearNamespace('network');
      const body = { gene_ids: [idOf.PKD2, idOf.PKD1, idOf.PKD1], min_string_score: 700 };
      const first = await post('build', body).expect(200);
      const before = cache.counters.report('network').hits;
      const again = await post('build', { ...body, gene_ids: [idOf.PKD1, idOf.PKD2] }).expect(200);
      expect(cache.counters.report('network').hits).toBe(before + 1);
      expect(again.body).toEqual(first.body);
      // The stored text is the body, byte for byte, with the header saying where it came from.
      expect([first.headers['x-cache'], again.headers['x-cache']]).toEqual(['MISS', 'HIT']);
      expect(again.text).toBe(first.text);
      expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    });

    it('lists unknown ids back and answers 404 when none exists', async () => {
      const res = await post('build', { gene_ids: [idOf.PKD1, 999_999, idOf.PKD2] }).expect(200);
      expect(res.body.unknown_gene_ids).toEqual([999_999]);
      expect(res.body.nodes).toBe(2);
      const none = await post('build', { gene_ids: [999_998, 999_999] }).expect(404);
      expect(none.body.error).toMatchObject({
        code: 'NO_VALID_GENES',
        detail: 'No valid genes found',
      });
    });

    it.each([
      ['no gene', { gene_ids: [] }],
      ['2001 genes', { gene_ids: Array.from({ length: 2001 }, (_, i) => i + 1) }],
      ['id 0', { gene_ids: [0] }],
      ['a symbol for an id', { gene_ids: ['PKD1'] }],
      ['a score above 1000', { gene_ids: [1], min_string_score: 1001 }],
      ['min_degree 11', { gene_ids: [1], min_degree: 11 }],
      ['an empty body', {}],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_name, body) => {
      const res = await post('build', body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('cluster', () => {
    it.each(['leiden', 'louvain', 'walktrap'])(
      '%s returns the contract shape, its modularity recomputes from the answer, and it is deterministic',
      async (algorithm) => {
        const body = { gene_ids: allIds, algorithm, remove_isolated: true };
        const res = await post('cluster', body).expect(200);
        const { nodes, edges } = split(res.body.cytoscape_json.elements);
        expect(res.body.algorithm).toBe(algorithm);
        expect(res.body).toMatchObject({ objective: 'modularity', resolution: 1 });
        expect(res.body.num_clusters).toBeGreaterThan(1);
        expect(Object.keys(res.body.clusters).sort()).toEqual(nodes.map((n) => n.data.id).sort());
        for (const n of nodes) {
          expect(n.data.cluster_id).toBe(res.body.clusters[n.data.id]);
          expect(n.data.color).toMatch(/^#[0-9a-f]{6}$/);
        }
        // Largest cluster first.
        const sizes: number[] = res.body.cluster_sizes;
        expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
        expect(res.body.modularity).toBeGreaterThan(0.1);
        // Reported to 3 decimals, as the original did.
        expect(res.body.modularity).toBeCloseTo(modularityOf(edges, res.body.clusters), 3);
        expect(res.body.modularity).toBe(Number(res.body.modularity.toFixed(3)));
        // Another instance of the same request (no cache) gives the same partition.
        await t.app.get(CacheService).clearNamespace('network');
        const again = await post('cluster', { ...body, min_cluster_size: 1 }).expect(200);
        expect(again.body.clusters).toEqual(res.body.clusters);
      },
    );

    it('drops clusters below min_cluster_size and renumbers the rest from 0', async () => {
      const res = await post('cluster', { gene_ids: allIds, min_cluster_size: 3 }).expect(200);
      const sizes: number[] = res.body.cluster_sizes;
      expect(sizes.length).toBe(res.body.num_clusters);
      expect(sizes.every((s) => s >= 3)).toBe(true);
      expect(new Set(Object.values(res.body.clusters))).toEqual(new Set(sizes.map((_, i) => i)));
      expect(res.body.nodes).toBe(sizes.reduce((a, b) => a + b, 0));
    });

    it('refuses an algorithm it does not run, naming those it does', async () => {
      // The original page also sends "none" (its "no clustering" option); the original
      // refused it too.
      const res = await post('cluster', { gene_ids: allIds, algorithm: 'none' }).expect(400);
      expect(JSON.stringify(res.body.error)).toContain('leiden, louvain, walktrap');
    });
  });

  it('subgraph: the k-hop neighbourhood of the seeds within the network', async () => {
    const full = await post('build', { gene_ids: allIds }).expect(200);
    const { edges } = split(full.body.cytoscape_json.elements);
    const seed = String(idOf.PKD1);
    const neighbours = new Set([seed]);
    for (const { data } of edges) {
      if (data.source === seed) {
        neighbours.add(data.target);
      }
      if (data.target === seed) {
        neighbours.add(data.source);
      }
    }
    expect(neighbours.size).toBeGreaterThan(1);
    const res = await post('subgraph', {
      seed_gene_ids: [idOf.PKD1],
      gene_ids: allIds,
      k: 1,
    }).expect(200);
    const { nodes } = split(res.body.cytoscape_json.elements);
    expect(new Set(nodes.map((n) => n.data.id))).toEqual(neighbours);
    await post('subgraph', { seed_gene_ids: [idOf.PKD1], gene_ids: allIds, k: 6 }).expect(400);
  });

  describe('enrichment', () => {
    it('HPO: the library holds every gene under each ancestor of its terms (true-path rule)', async () => {
      const [lib] = await ds.query<{ version: string; term_count: number; gene_count: number }[]>(
        `SELECT version, term_count, gene_count FROM gene_set_libraries WHERE name = 'HPO'`,
      );
      expect(lib.term_count).toBeGreaterThan(10);
      const genesOf = async (term: string) =>
        (
          await ds.query<{ gene_ids: number[] }[]>(
            `SELECT gene_ids FROM gene_set_terms WHERE library = 'HPO' AND term_id = $1`,
            [term],
          )
        )[0]?.gene_ids ?? [];
      // PKD1 is annotated to Polycystic kidney dysplasia (HP:0000113) only, below Renal cyst.
      expect(await genesOf('HP:0000113')).toContain(idOf.PKD1);
      expect(await genesOf('HP:0000107')).toContain(idOf.PKD1);
      expect(await genesOf('HP:0000077')).toContain(idOf.PKD1);
      // Onset terms and the branch root are not tested terms.
      expect(await genesOf('HP:0003581')).toEqual([]);
      expect(await genesOf('HP:0000118')).toEqual([]);
    });

    it('HPO: a cyst-gene query is enriched in renal cysts, with a consistent table', async () => {
      const query = ['PKD1', 'PKD2', 'PKHD1', 'HNF1B', 'NPHP1']
        .filter((s) => idOf[s])
        .map((s) => idOf[s]);
      const res = await t
        .http()
        .post('/api/network/enrich/hpo')
        .send({ cluster_genes: query, background_genes: null, fdr_threshold: 1 })
        .expect(200);
      expect(res.body).toMatchObject({ cluster_size: query.length, fdr_threshold: 1 });
      expect(res.body.library).toMatchObject({ name: 'HPO', source: 'hpo_phenotypes' });
      expect(res.body.total_terms).toBeGreaterThan(0);
      const fdrs = res.body.results.map((r: { fdr: number }) => r.fdr);
      expect([...fdrs].sort((a, b) => a - b)).toEqual(fdrs);
      for (const r of res.body.results) {
        expect(r.genes).toHaveLength(r.gene_count);
        expect(r.gene_count).toBeGreaterThanOrEqual(2);
        expect(r.cluster_size).toBe(res.body.genes_in_universe);
        expect(r.background_count).toBeGreaterThanOrEqual(r.gene_count);
        expect(r.fdr).toBeGreaterThanOrEqual(r.p_value);
        expect(typeof r.term_name).toBe('string');
      }
      const cyst = res.body.results.find((r: { term_id: string }) => r.term_id === 'HP:0000107');
      expect(cyst?.genes).toEqual(expect.arrayContaining(['PKD1', 'PKD2']));
    });

    it('GO and Reactome on a fresh start: ciliopathy genes are enriched in cilium assembly', async () => {
      const cilia = ['NPHP1', 'NPHP3', 'NPHP4', 'CEP290', 'TMEM67', 'BBS1', 'IFT140', 'AHI1']
        .filter((s) => idOf[s])
        .map((s) => idOf[s]);
      expect(cilia.length).toBeGreaterThanOrEqual(6);
      const go = await t
        .http()
        .post('/api/network/enrich/go')
        .send({ cluster_genes: cilia, gene_set: 'GO_Biological_Process_2023', fdr_threshold: 0.05 })
        .expect(200);
      expect(go.body.library).toMatchObject({ name: 'GO_BP', source: 'go' });
      const assembly = go.body.results.find((r: { term_id: string }) => r.term_id === 'GO:0060271');
      expect(assembly).toMatchObject({ term_name: 'cilium assembly' });
      expect(assembly.gene_count).toBe(cilia.length);
      expect(assembly.fdr).toBeLessThan(0.05);
      const reactome = await t
        .http()
        .post('/api/network/enrich/go')
        .send({ cluster_genes: cilia, gene_set: 'Reactome_2022', fdr_threshold: 1 })
        .expect(200);
      expect(reactome.body.library).toMatchObject({ name: 'Reactome', source: 'reactome' });
      expect(
        reactome.body.results.every((r: { term_id: string }) => r.term_id.startsWith('R-HSA-')),
      ).toBe(true);
    });

    it('GO: hand-computed p-value and fdr from a library loaded through the service', async () => {
      const g = (s: string) => idOf[s];
      // N = 10 genes; query 4; term A has 4 genes of which 3 queried, term B 6 of which 2.
      const universe = [
        'PKD1',
        'PKD2',
        'NPHS1',
        'NPHS2',
        'COL4A3',
        'COL4A4',
        'COL4A5',
        'UMOD',
        'WT1',
        'PAX2',
      ];
      expect(universe.every((s) => g(s))).toBe(true);
      await t.app
        .get(GeneSetsService)
        .replaceLibrary({ name: 'GO_MF', source: 'go', version: 'test-1' }, [
          { id: 'GO:0000001', name: 'term A', genes: ['PKD1', 'PKD2', 'NPHS1', 'UMOD'].map(g) },
          {
            id: 'GO:0000002',
            name: 'term B',
            genes: ['PKD1', 'COL4A3', 'COL4A4', 'COL4A5', 'WT1', 'NPHS2'].map(g),
          },
          { id: 'GO:0000003', name: 'term C', genes: ['PAX2', 'NPHS2'].map(g) },
        ]);
      const query = ['PKD1', 'PKD2', 'NPHS1', 'COL4A3'].map(g);
      const res = await t
        .http()
        .post('/api/network/enrich/go')
        .send({ cluster_genes: query, gene_set: 'GO_Molecular_Function_2023', fdr_threshold: 1 })
        .expect(200);
      // A: a=3, K=4, n=4, N=10: (C(4,3)·C(6,1) + C(4,4)·C(6,0)) / C(10,4) = 25/210.
      // B: a=2, K=6: Σ_{k≥2} C(6,k)·C(4,4−k) / 210 = (90 + 80 + 15) / 210 = 185/210.
      // C: overlap 0, not tested. BH over 2: A → 2·25/210, B → 185/210.
      expect(res.body).toMatchObject({
        gene_set: 'GO_Molecular_Function_2023',
        total_terms: 2,
        tested_terms: 2,
        universe_size: 10,
        genes_in_universe: 4,
        library: { name: 'GO_MF', version: 'test-1' },
      });
      const [a, b] = res.body.results;
      expect(a).toMatchObject({
        term_id: 'GO:0000001',
        term_name: 'term A',
        gene_count: 3,
        background_count: 4,
      });
      expect(a.genes).toEqual(['NPHS1', 'PKD1', 'PKD2']);
      expect(a.p_value).toBeCloseTo(25 / 210, 12);
      expect(a.fdr).toBeCloseTo(50 / 210, 12);
      // a·d / (b·c) = 3·5 / (1·1)
      expect(a.odds_ratio).toBeCloseTo(15, 12);
      expect(b.p_value).toBeCloseTo(185 / 210, 12);
      expect(b.fdr).toBeCloseTo(185 / 210, 12);

      // A replaced library is never answered from the old one's cache.
      await t.app
        .get(GeneSetsService)
        .replaceLibrary({ name: 'GO_MF', source: 'go', version: 'test-2' }, [
          { id: 'GO:0000009', name: 'term Z', genes: query },
          { id: 'GO:0000003', name: 'term C', genes: ['PAX2', 'NPHS2', 'UMOD'].map(g) },
        ]);
      const after = await t
        .http()
        .post('/api/network/enrich/go')
        .send({ cluster_genes: query, gene_set: 'GO_Molecular_Function_2023', fdr_threshold: 1 })
        .expect(200);
      expect(after.body.library.version).toBe('test-2');
      expect(after.body.results.map((r: { term_id: string }) => r.term_id)).toEqual(['GO:0000009']);
    });

    it('answers 503 LIBRARY_NOT_LOADED for a library no source has written, never an empty success', async () => {
      await ds.query(`DELETE FROM gene_set_libraries WHERE name = 'GO_CC'`);
      const res = await t
        .http()
        .post('/api/network/enrich/go')
        .send({ cluster_genes: [idOf.PKD1], gene_set: 'GO_Cellular_Component_2023' })
        .expect(503);
      expect(res.body.error.code).toBe('LIBRARY_NOT_LOADED');
      expect(res.body.error.message).toContain('go');
    });

    it('refuses a gene set it does not offer, listing those it does', async () => {
      const res = await t
        .http()
        .post('/api/network/enrich/go')
        .send({ cluster_genes: [idOf.PKD1], gene_set: 'KEGG_2021_Human' })
        .expect(400);
      expect(JSON.stringify(res.body.error)).toContain('GO_Biological_Process_2023');
      await t
        .http()
        .post('/api/network/enrich/hpo')
        .send({ cluster_genes: Array.from({ length: 501 }, (_, i) => i + 1) })
        .expect(400);
      await t
        .http()
        .post('/api/network/enrich/hpo')
        .send({ cluster_genes: [1], fdr_threshold: 0 })
        .expect(400);
    });

    it('lists the loaded libraries and the gene_set names', async () => {
      const res = await t.http().get('/api/network/libraries').expect(200);
      expect(res.body.libraries.map((l: { name: string }) => l.name)).toContain('HPO');
      expect(res.body.gene_sets).toMatchObject({ GO_Biological_Process_2023: 'GO_BP' });
    });
  });
});
