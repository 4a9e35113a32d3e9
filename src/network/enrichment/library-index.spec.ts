import { LibraryIndex } from './library-index.js';

const library = new LibraryIndex([
  { id: 'T:1', name: 'one', genes: [1, 2, 3, 4] },
  { id: 'T:2', name: 'two', genes: [3, 4, 5, 6, 7, 8] },
  { id: 'T:3', name: 'three', genes: [9, 10] },
  { id: 'T:4', name: 'four', genes: [1, 2, 5, 6] },
]);
const options = {
  background: null,
  minOverlap: 2,
  fdrThreshold: 0.1,
  maxResults: 100,
  symbolOf: (id: number) => `G${id}`,
};

describe('LibraryIndex.enrich', () => {
  it('tests terms with overlap ≥ the minimum in the library universe and corrects over them', () => {
    // Query 1, 2, 3 (+ 11, which no term has): C = 3 genes of N = 10.
    // T:1 a=3, K=4: C(4,3)·C(6,0)/C(10,3) = 4/120. T:4 a=2, K=4: (C(4,2)·C(6,1) + 4)/120 = 40/120.
    // T:2 has a=1 < 2 and T:3 a=0: not tested. BH over 2 tests: T:1 → 2·(1/30) = 1/15.
    const e = library.enrich([3, 1, 2, 2, 11], options);
    expect(e).toMatchObject({
      tested: 2,
      significant: 1,
      universe: 10,
      queryInUniverse: 3,
      queryOutsideUniverse: 1,
    });
    expect(e.results).toHaveLength(1);
    const [r] = e.results;
    expect(r).toMatchObject({
      term_id: 'T:1',
      term_name: 'one',
      gene_count: 3,
      cluster_size: 3,
      background_count: 4,
      genes: ['G1', 'G2', 'G3'],
      // b = 0: the infinite odds ratio is capped.
      odds_ratio: 1000,
    });
    expect(r.p_value).toBeCloseTo(4 / 120, 15);
    expect(r.fdr).toBeCloseTo(1 / 15, 15);
    expect(r.enrichment_score).toBeCloseTo(-Math.log10(1 / 15), 12);
  });

  it('keeps fdr strictly below the threshold', () => {
    // T:1's fdr is 1/15 ≈ 0.0667.
    expect(library.enrich([1, 2, 3], { ...options, fdrThreshold: 0.066 }).results).toEqual([]);
    expect(library.enrich([1, 2, 3], { ...options, fdrThreshold: 0.067 }).significant).toBe(1);
  });

  it('restricts the universe to the background genes, for both the query and the terms', () => {
    // Background 1..8: N = 8; T:1 a=3, K=4: C(4,3)/C(8,3) = 4/56; T:4 a=2, K=4: (6·4 + 4)/56.
    const e = library.enrich([1, 2, 3, 9], {
      ...options,
      background: [1, 2, 3, 4, 5, 6, 7, 8],
      fdrThreshold: 1,
    });
    expect(e).toMatchObject({ universe: 8, queryInUniverse: 3, queryOutsideUniverse: 1 });
    expect(e.results.map((r) => r.term_id)).toEqual(['T:1', 'T:4']);
    expect(e.results[0].p_value).toBeCloseTo(4 / 56, 14);
    expect(e.results[1].p_value).toBeCloseTo(28 / 56, 14);
  });

  it('caps the results but counts every significant term', () => {
    const e = library.enrich([1, 2, 3], { ...options, fdrThreshold: 1, maxResults: 1 });
    expect(e.results).toHaveLength(1);
    expect(e.significant).toBe(2);
  });
});
