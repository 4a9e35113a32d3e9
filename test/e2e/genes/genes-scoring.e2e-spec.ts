import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { EvidenceWriter } from '../../../src/genes/evidence/evidence-writer.service.js';
import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { testDb } from '../../support/test-db.js';

/*
 * Hand-worked expectations (7 active sources, so score = sum / 7 × 100):
 *   PanelApp panels  PKD1 3, COL4A5 2, PKD2 1, NPHS2 1   → 1, 2/3, 0, 0 (ties at the minimum are 0)
 *   PubTator pubs    PKD1 10, NPHS1 7, PKD2 5, NPHS2 1, HNF1B 1 → 1, 0.75, 0.5, 0, 0
 *   HPO terms        PKD1 4, UMOD 3, CFH 2                → 1, 0.5, 0
 *   Diag. panels     PKD1 5, COL4A5 3, PKD2 2             → 1, 0.5, 0
 *   Literature       PKD1 2 (the only gene)               → 0
 *   ClinGen          PKD1 max(Limited, Definitive) = 1, PKD2 Moderate 0.6, COL4A5 Strong 0.8
 *   GenCC            PKD1 max(Strong, Refuted) = 0.8, PKD2 Supportive 0.5, COL4A5 Definitive 1, CFH Refuted 0
 *   PKD1   1+1+1+1+0+1+0.8 = 5.8     → 82.8571, 7 sources → comprehensive_support
 *   COL4A5 2/3+0.5+0.8+1 = 2.9667    → 42.3810, 4 sources → multi_source_support
 *   PKD2   0+0.5+0+0.6+0.5 = 1.6     → 22.8571, 5 sources → established_support
 *   NPHS1  0.75                      → 10.7143             → preliminary_evidence
 *   UMOD   0.5                       → 7.1429              → minimal_evidence
 *   NPHS2, HNF1B, CFH: 0 (tied minimum, refuted only)      → no_evidence
 *   SLC34A1: no evidence                                   → no_evidence, 0 sources
 */
const EXPECTED: Record<string, { score: number; sources: number; tier: string; group: string }> = {
  PKD1: { score: 82.8571, sources: 7, tier: 'comprehensive_support', group: 'well_supported' },
  COL4A5: { score: 42.381, sources: 4, tier: 'multi_source_support', group: 'well_supported' },
  PKD2: { score: 22.8571, sources: 5, tier: 'established_support', group: 'well_supported' },
  NPHS1: { score: 10.7143, sources: 1, tier: 'preliminary_evidence', group: 'emerging_evidence' },
  UMOD: { score: 7.1429, sources: 1, tier: 'minimal_evidence', group: 'emerging_evidence' },
  NPHS2: { score: 0, sources: 2, tier: 'no_evidence', group: 'insufficient' },
  HNF1B: { score: 0, sources: 1, tier: 'no_evidence', group: 'insufficient' },
  CFH: { score: 0, sources: 2, tier: 'no_evidence', group: 'insufficient' },
  SLC34A1: { score: 0, sources: 0, tier: 'no_evidence', group: 'insufficient' },
};

describe('evidence scoring', () => {
  let t: TestApp;
  let ids: Map<string, number>;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ids = await seedGenes(t.app, SCORING_DATASET);
  });
  const db = testDb(() => t.database!.url);
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const scores = () =>
    db.rows(
      `SELECT g.approved_symbol, s.* FROM gene_scores s JOIN genes g ON g.id = s.gene_id ORDER BY g.approved_symbol`,
    );

  it.each(Object.entries(EXPECTED))('scores %s as worked out by hand', async (symbol, expected) => {
    const res = await t.http().get(`/api/genes/${symbol}`).expect(200);
    expect(res.body.data.attributes).toMatchObject({
      approved_symbol: symbol,
      evidence_score: expected.score,
      evidence_count: expected.sources,
      evidence_tier: expected.tier,
      evidence_group: expected.group,
    });
    expect(typeof res.body.data.attributes.evidence_score).toBe('number');
  });

  it('breaks the score down per source, consistently with the evidence rows', async () => {
    const detail = await t.http().get('/api/genes/pkd1').expect(200);
    expect(detail.body.data.attributes.score_breakdown).toEqual({
      ClinGen: 1,
      DiagnosticPanels: 1,
      GenCC: 0.8,
      HPO: 1,
      Literature: 0,
      PanelApp: 1,
      PubTator: 1,
    });
    // The original MCP's full mode reads the same scores as source_scores.
    expect(detail.body.data.attributes.source_scores).toEqual(
      detail.body.data.attributes.score_breakdown,
    );
    expect(detail.body.data.attributes.total_active_sources).toBe(7);
    const evidence = await t.http().get('/api/genes/PKD1/evidence').expect(200);
    for (const row of evidence.body.data) {
      expect(row.attributes.normalized_score).toBe(
        detail.body.data.attributes.score_breakdown[row.attributes.source_name],
      );
    }
    expect(evidence.body.meta).toEqual({
      gene_symbol: 'PKD1',
      gene_id: ids.get('PKD1'),
      evidence_count: 7,
    });
    const col = await t.http().get('/api/genes/COL4A5').expect(200);
    expect(col.body.data.attributes.score_breakdown.PanelApp).toBe(0.6667);
  });

  it('leaves planner statistics for the refreshed view, so lists plan on its real size', async () => {
    const rows = await db.rows<{ attname: string }>(
      `SELECT attname FROM pg_stats WHERE tablename = 'gene_scores' ORDER BY attname`,
    );
    expect(rows.map((r) => r.attname)).toEqual(
      expect.arrayContaining(['evidence_tier', 'gene_id', 'percentage_score', 'source_count']),
    );
  });

  it('leaves the refreshed view all-visible, so counts read its index alone', async () => {
    // A refresh rewrites rows; without a vacuum their pages are not all-visible and an
    // index-only scan visits the table for each row.
    // A snapshot another session holds open can keep a page from being marked all-visible
    // by one vacuum, so a few refreshes are allowed; with ANALYZE alone none is ever marked.
    const refresher = t.app.get(ScoreRefresher);
    const view = async () =>
      (
        await db.rows<{ relpages: number; relallvisible: number }>(
          `SELECT relpages, relallvisible FROM pg_class WHERE relname = 'gene_scores'`,
        )
      )[0];
    for (let i = 0; i < 5; i += 1) {
      await refresher.refreshNow();
      const { relpages, relallvisible } = await view();
      if (relpages > 0 && relallvisible === relpages) {
        break;
      }
    }
    const { relpages, relallvisible } = await view();
    expect(relpages).toBeGreaterThan(0);
    expect(relallvisible).toBe(relpages);
  });

  it('is deterministic across repeated refreshes', async () => {
    const before = await scores();
    const refresher = t.app.get(ScoreRefresher);
    await refresher.refreshNow();
    await refresher.refreshNow();
    expect(await scores()).toEqual(before);
  });

  it('refreshes after an evidence change, and list, detail and breakdown agree', async () => {
    // NPHS1 gains GenCC Definitive: 0.75 + 1 = 1.75 → 25.0, two sources → established.
    await t.app
      .get(EvidenceWriter)
      .upsertOne(ids.get('NPHS1')!, 'GenCC', { classifications: ['Definitive'] }, null);
    t.app.get(ScoreRefresher).markDirty();
    await t.app.get(ScoreRefresher).settled();
    const detail = await t.http().get('/api/genes/NPHS1').expect(200);
    expect(detail.body.data.attributes).toMatchObject({
      evidence_score: 25,
      evidence_count: 2,
      evidence_tier: 'established_support',
    });
    const list = await t.http().get('/api/genes?filter[search]=NPHS1').expect(200);
    expect(list.body.data[0].attributes.evidence_score).toBe(25);
    expect(detail.body.data.attributes.score_breakdown).toEqual({ GenCC: 1, PubTator: 0.75 });
  });

  it('drops a source with no rows from the denominator', async () => {
    const pkd1 = ids.get('PKD1')!;
    await t.app
      .get<DataSource>(getDataSourceToken())
      .query(`DELETE FROM gene_evidence WHERE gene_id = $1 AND source_name = 'Literature'`, [pkd1]);
    await t.app.get(ScoreRefresher).refreshNow();
    // 6 active sources now: 5.8 / 6 × 100 = 96.6667
    const res = await t.http().get('/api/genes/PKD1').expect(200);
    expect(res.body.data.attributes.evidence_score).toBe(96.6667);
    expect(res.body.data.attributes.total_active_sources).toBe(6);
  });
});
