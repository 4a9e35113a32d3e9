import { DataSource } from 'typeorm';

import {
  EVIDENCE_GROUPS,
  EVIDENCE_TIERS,
  type EvidenceGroup,
  type EvidenceTier,
} from '../../../src/genes/evidence-tiers.js';
import {
  excludesUnscored,
  facetWhere,
  type GeneFilter,
  GenesRepository,
  type SortField,
  type SortKey,
} from '../../../src/genes/genes.repository.js';
import { insertUnscoredGenes, SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';

/** One gene as the list should see it: missing scores count as zero. */
interface ModelGene {
  id: number;
  hgncNumber: number;
  symbol: string;
  names: string[];
  hgncId: string;
  createdAt: number;
  score: number;
  count: number;
  tier: EvidenceTier;
  group: EvidenceGroup;
  sources: string[];
  inView: boolean;
}

function matches(g: ModelGene, f: GeneFilter, skipTier = false): boolean {
  if (f.search) {
    const needle = f.search.toLowerCase();
    const contains = [g.symbol, g.hgncId, g.tier, g.group].some((v) =>
      v.toLowerCase().includes(needle),
    );
    if (!contains && !g.names.some((n) => n.toUpperCase() === f.search!.toUpperCase())) {
      return false;
    }
  }
  if (f.minScore !== undefined && g.score < f.minScore) {
    return false;
  }
  if (f.maxScore !== undefined && g.score > f.maxScore) {
    return false;
  }
  if (f.minCount !== undefined && g.count < f.minCount) {
    return false;
  }
  if (f.maxCount !== undefined && g.count > f.maxCount) {
    return false;
  }
  if (f.source && !g.sources.includes(f.source)) {
    return false;
  }
  if (!skipTier && f.tiers?.length && !f.tiers.includes(g.tier)) {
    return false;
  }
  if (f.group && g.group !== f.group) {
    return false;
  }
  if (f.hideZeroScores && g.score <= 0) {
    return false;
  }
  if (f.ids?.length && !f.ids.includes(g.id)) {
    return false;
  }
  return true;
}

function sortValue(g: ModelGene, field: SortField): number | string {
  switch (field) {
    case 'id':
      return g.id;
    case 'symbol':
    case 'approved_symbol':
      return g.symbol;
    case 'hgnc_id':
      return g.hgncNumber;
    case 'score':
    case 'evidence_score':
      return g.score;
    case 'count':
    case 'evidence_count':
      return g.count;
    case 'created_at':
    case 'updated_at':
      return g.createdAt;
    case 'evidence_tier':
      return EVIDENCE_TIERS.indexOf(g.tier);
    case 'evidence_group':
      return EVIDENCE_GROUPS.indexOf(g.group);
  }
}

function modelPage(genes: ModelGene[], f: GeneFilter, sort: SortKey[], limit: number, offset = 0) {
  const compare = (a: ModelGene, b: ModelGene): number => {
    for (const key of sort) {
      const [x, y] = [sortValue(a, key.field), sortValue(b, key.field)];
      if (x !== y) {
        return (x < y ? -1 : 1) * (key.descending ? -1 : 1);
      }
    }
    return a.id - b.id;
  };
  return genes
    .filter((g) => matches(g, f))
    .sort(compare)
    .slice(offset, offset + limit)
    .map((g) => g.symbol);
}

function modelTiers(genes: ModelGene[], f: GeneFilter): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const g of genes.filter((x) => matches(x, f, true))) {
    counts[g.tier] = (counts[g.tier] ?? 0) + 1;
  }
  return counts;
}

const SORTS: SortKey[][] = [
  [
    { field: 'evidence_score', descending: true },
    { field: 'approved_symbol', descending: false },
  ],
  [{ field: 'approved_symbol', descending: true }],
  [{ field: 'evidence_count', descending: true }],
  [
    { field: 'evidence_tier', descending: false },
    { field: 'hgnc_id', descending: true },
  ],
  [{ field: 'evidence_group', descending: true }],
  [{ field: 'score', descending: false }],
];

describe('gene list queries', () => {
  let t: TestApp;
  let repo: GenesRepository;
  let genes: ModelGene[];
  let filters: GeneFilter[];

  beforeAll(async () => {
    t = await createTestApp();
    await seedGenes(t.app, SCORING_DATASET);
    // Genes created since the last score refresh have no gene_scores row yet.
    await insertUnscoredGenes(t.app, [
      { symbol: 'HNF4A', hgncId: 'HGNC:11621', aliases: ['MODY1'] },
      { symbol: 'MME', hgncId: 'HGNC:7102' },
    ]);
    const db = t.app.get(DataSource);
    const rows = await db.query<
      {
        id: number;
        hgnc_id: string;
        approved_symbol: string;
        aliases: string[];
        previous_symbols: string[];
        created_at: Date;
        percentage_score: string | null;
        source_count: number | null;
        evidence_tier: EvidenceTier | null;
        evidence_group: EvidenceGroup | null;
        source_names: string[];
      }[]
    >(
      `SELECT g.id, g.hgnc_id, g.approved_symbol, g.aliases, g.previous_symbols, g.created_at,
              s.percentage_score, s.source_count, s.evidence_tier, s.evidence_group,
              ARRAY(SELECT e.source_name FROM gene_evidence e WHERE e.gene_id = g.id) AS source_names
       FROM genes g LEFT JOIN gene_scores s ON s.gene_id = g.id`,
    );
    genes = rows.map((r) => ({
      id: r.id,
      hgncId: r.hgnc_id,
      hgncNumber: Number(r.hgnc_id.slice(5)),
      symbol: r.approved_symbol,
      names: [...r.aliases, ...r.previous_symbols],
      createdAt: r.created_at.getTime(),
      score: Number(r.percentage_score ?? 0),
      count: r.source_count ?? 0,
      tier: r.evidence_tier ?? 'no_evidence',
      group: r.evidence_group ?? 'insufficient',
      sources: r.source_names,
      inView: r.percentage_score !== null,
    }));
    repo = t.app.get(GenesRepository);
    const some = (symbols: string[]) =>
      genes.filter((g) => symbols.includes(g.symbol)).map((g) => g.id);
    filters = [
      { hideZeroScores: true },
      { hideZeroScores: false },
      { hideZeroScores: false, minScore: 5 },
      { hideZeroScores: false, minScore: 0, maxScore: 30 },
      { hideZeroScores: false, minCount: 1 },
      { hideZeroScores: false, maxCount: 1 },
      { hideZeroScores: false, group: 'insufficient' },
      { hideZeroScores: false, group: 'well_supported' },
      { hideZeroScores: true, tiers: ['established_support', 'minimal_evidence'] },
      { hideZeroScores: false, tiers: ['no_evidence'] },
      { hideZeroScores: false, search: 'pkd' },
      { hideZeroScores: false, search: 'mody1' },
      { hideZeroScores: true, search: 'support' },
      { hideZeroScores: false, source: 'GenCC' },
      { hideZeroScores: true, source: 'PubTator', maxScore: 50 },
      { hideZeroScores: false, ids: some(['PKD1', 'CFH', 'MME']) },
      { hideZeroScores: true, ids: some(['PKD1', 'CFH', 'MME']) },
      // Whole-number bounds on scored genes are counted from gene_scores_facets, fractional
      // ones from the scores: bounds on either side of real scores, including a gene's own
      // score's floor and ceiling, and each source on its own.
      { hideZeroScores: true, minScore: 10 },
      { hideZeroScores: true, minScore: 10.5, source: 'PubTator' },
      { hideZeroScores: true, minScore: 5, maxScore: 40, source: 'PubTator' },
      { hideZeroScores: false, minCount: 2, maxCount: 3, group: 'well_supported' },
      { hideZeroScores: true, maxScore: 25.5, minCount: 1 },
      ...genes
        .filter((g) => g.score > 0 && !Number.isInteger(g.score))
        .slice(0, 3)
        .flatMap((g): GeneFilter[] => [
          { hideZeroScores: true, minScore: Math.floor(g.score) },
          { hideZeroScores: true, minScore: Math.ceil(g.score) },
          { hideZeroScores: true, maxScore: Math.floor(g.score) },
          { hideZeroScores: true, maxScore: Math.ceil(g.score), source: g.sources[0] },
        ]),
      ...[...new Set(genes.flatMap((g) => g.sources))].map((source): GeneFilter => ({
        hideZeroScores: true,
        source,
      })),
    ];
  });
  afterAll(() => t.close());

  it('has genes both with and without a gene_scores row, and unscored genes with evidence', () => {
    expect(
      genes
        .filter((g) => !g.inView)
        .map((g) => g.symbol)
        .sort(),
    ).toEqual(['HNF4A', 'MME']);
    expect(genes.filter((g) => g.score === 0 && g.count > 0).length).toBeGreaterThan(0);
    expect(filters.filter(excludesUnscored).length).toBeGreaterThan(3);
    expect(filters.filter((f) => !excludesUnscored(f)).length).toBeGreaterThan(3);
    // Both ways of counting tiers are compared below.
    expect(filters.filter((f) => facetWhere(f, []) !== undefined).length).toBeGreaterThan(10);
    expect(filters.filter((f) => facetWhere(f, []) === undefined).length).toBeGreaterThan(10);
  });

  it('pages match the model for every filter, sort and offset', async () => {
    let compared = 0;
    for (const filter of filters) {
      for (const sort of SORTS) {
        for (const offset of [0, 3]) {
          const rows = await repo.page(filter, sort, 4, offset);
          expect({ filter, sort, offset, page: rows.map((r) => r.approved_symbol) }).toEqual({
            filter,
            sort,
            offset,
            page: modelPage(genes, filter, sort, 4, offset),
          });
          compared += 1;
        }
      }
    }
    expect(compared).toBe(filters.length * SORTS.length * 2);
  });

  it('tier counts match the model and ignore the tier filter', async () => {
    for (const filter of filters) {
      const counts = Object.fromEntries(
        (await repo.tierCounts(filter)).map((r) => [r.tier, r.n] as const),
      );
      expect({ filter, counts }).toEqual({ filter, counts: modelTiers(genes, filter) });
    }
  });
});
