import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';

describe('statistics and data sources on the worked dataset', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    await seedGenes(t.app, SCORING_DATASET);
  });
  afterAll(() => t.close());

  it('computes UpSet intersections of the scored genes', async () => {
    const res = await t.http().get('/api/statistics/source-overlaps?detail=true').expect(200);
    const { data } = res.body;
    // Scored genes: PKD1 (7 sources), COL4A5 (4), PKD2 (5), NPHS1 (PubTator), UMOD (HPO).
    expect(data.total_unique_genes).toBe(5);
    const bySets = Object.fromEntries(
      data.intersections.map((i: { sets: string[]; genes: string[] }) => [
        i.sets.join('+'),
        i.genes,
      ]),
    );
    expect(bySets['PubTator']).toEqual(['NPHS1']);
    expect(bySets['HPO']).toEqual(['UMOD']);
    // Sets are listed in the order of `sets` (alphabetical by default).
    expect(bySets['ClinGen+DiagnosticPanels+GenCC+PanelApp']).toEqual(['COL4A5']);
    expect(data.overlap_statistics).toMatchObject({
      genes_in_all_sources: 1,
      highest_overlap_count: 7,
      total_combinations: 5,
    });
    const sets = Object.fromEntries(
      data.sets.map((s: { name: string; size: number }) => [s.name, s.size]),
    );
    expect(sets).toMatchObject({
      PanelApp: 3,
      ClinGen: 3,
      GenCC: 3,
      PubTator: 3,
      HPO: 2,
      DiagnosticPanels: 3,
      Literature: 1,
    });

    const all = await t
      .http()
      .get('/api/statistics/source-overlaps?filter[hide_zero_scores]=false&sources=HPO,GenCC')
      .expect(200);
    // With zero scores: HPO {PKD1, UMOD, CFH}, GenCC {PKD1, PKD2, COL4A5, CFH}.
    const sizes = Object.fromEntries(
      all.body.data.intersections.map((i: { sets: string[]; size: number }) => [
        i.sets.join('+'),
        i.size,
      ]),
    );
    expect(sizes).toEqual({ GenCC: 2, 'HPO+GenCC': 2, HPO: 1 });

    // A source nobody knows is a mistake to report, not an empty set (issue 20).
    const unknown = await t.http().get('/api/statistics/source-overlaps?sources=Nope').expect(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(unknown.body.error.details)).toContain('known: ClinGen');
  });

  it('reports the evidence composition and summary', async () => {
    const res = await t.http().get('/api/statistics/evidence-composition').expect(200);
    expect(res.body.data.summary_statistics).toEqual({
      total_genes: 5,
      total_evidence_records: 18,
      active_sources: 7,
      avg_sources_per_gene: 3.6,
    });
    expect(
      res.body.data.evidence_tier_distribution.map((d: { tier: string; gene_count: number }) => [
        d.tier,
        d.gene_count,
      ]),
    ).toEqual([
      ['comprehensive_support', 1],
      ['multi_source_support', 1],
      ['established_support', 1],
      ['preliminary_evidence', 1],
      ['minimal_evidence', 1],
    ]);
    const summary = await t.http().get('/api/statistics/summary').expect(200);
    expect(summary.body.data.quality.high_confidence_genes).toBe(2);
    expect(summary.body.data.coverage).toMatchObject({
      single_source_genes: 2,
      multi_source_genes: 3,
    });
    const pair = summary.body.data.pairwise_overlaps.find(
      (p: { source_a: string; source_b: string }) =>
        p.source_a === 'ClinGen' && p.source_b === 'GenCC',
    );
    expect(pair.shared_genes).toBe(3);
  });

  it('distributes genes per source by count bucket and by classification', async () => {
    const res = await t
      .http()
      .get('/api/statistics/source-distributions?filter[hide_zero_scores]=false')
      .expect(200);
    expect(res.body.data.PanelApp.distribution).toEqual([
      { category: '1', gene_count: 2 },
      { category: '2', gene_count: 1 },
      { category: '3', gene_count: 1 },
    ]);
    expect(res.body.data.GenCC.distribution).toEqual([
      { category: 'Definitive', gene_count: 1 },
      { category: 'Strong', gene_count: 1 },
      { category: 'Supportive', gene_count: 1 },
      { category: 'Refuted / no known relationship', gene_count: 1 },
    ]);
  });

  it('filters statistics by tier and rejects unknown tiers', async () => {
    const res = await t
      .http()
      .get('/api/statistics/evidence-composition?filter[tier]=comprehensive_support')
      .expect(200);
    expect(res.body.data.summary_statistics.total_genes).toBe(1);
    await t.http().get('/api/statistics/summary?filter[tier]=platinum').expect(400);
  });

  it('lists data sources with counts and shows one with its top genes', async () => {
    const list = await t.http().get('/api/datasources').expect(200);
    const clingen = list.body.data.sources.find((s: { name: string }) => s.name === 'ClinGen');
    expect(clingen).toMatchObject({
      category: 'evidence',
      scoring: 'classification',
      status: 'active',
      stats: { gene_count: 3, evidence_count: 3 },
    });
    expect(list.body.data.total_sources).toBe(7);
    // An upload source holding evidence is active: the original page badges any other
    // status than active, error or pending as "Unknown".
    const panels = list.body.data.sources.find(
      (s: { name: string }) => s.name === 'DiagnosticPanels',
    );
    expect(panels).toMatchObject({ category: 'upload', status: 'active' });
    // What the original Home page and Data sources cards read (docs/api.md, compatibility).
    expect(list.body.data).toMatchObject({ total_unique_genes: 8, orphaned_genes: 1 });
    expect(list.body.data.explanations.unique_genes).toEqual(expect.any(String));
    const metadata = (name: string) =>
      list.body.data.sources.find((s: { name: string }) => s.name === name).stats.metadata;
    expect(metadata('ClinGen')).toEqual({ expert_panels: 0, classifications: 3 });
    expect(metadata('PanelApp')).toEqual({ panels: 3, regions: 0 });
    expect(metadata('PubTator')).toEqual({ publications: 10 });
    expect(metadata('HPO')).toEqual({ phenotype_terms: 4 });
    expect(metadata('GenCC')).toEqual({ submissions: 0, submitters: 0 });
    expect(metadata('DiagnosticPanels')).toEqual({ providers: 0, panels: 0 });
    expect(metadata('Literature')).toEqual({});
    const detail = await t.http().get('/api/datasources/clingen').expect(200);
    expect(detail.body.data.top_genes).toEqual([
      { symbol: 'PKD1', score: 1, count: null },
      { symbol: 'COL4A5', score: 0.8, count: null },
      { symbol: 'PKD2', score: 0.6, count: null },
    ]);
    const pubtator = await t.http().get('/api/datasources/PubTator').expect(200);
    expect(pubtator.body.data.top_genes[0]).toEqual({ symbol: 'PKD1', score: 1, count: 10 });
    await t.http().get('/api/datasources/Nonexistent').expect(404);
  });
});
