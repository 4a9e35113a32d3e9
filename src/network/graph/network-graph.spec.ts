import {
  CLUSTER_PALETTE,
  clusterColor,
  detectCommunities,
  finishClustering,
} from './clustering.js';
import {
  applyFilters,
  buildGraph,
  componentCount,
  cytoscapeElements,
  dedupeInteractions,
  kHopNeighbourhood,
} from './ppi-graph.js';

const genes = (ids: number[]) => ids.map((id) => ({ id, symbol: `G${id}` }));
const ix = (a: number, b: number, score = 900) => ({ a, b, score });

/** Two triangles (1-2-3, 4-5-6) joined by the bridge 3–4, plus the isolated gene 7. */
function bridgedTriangles() {
  const ids = [1, 2, 3, 4, 5, 6, 7];
  const edges = dedupeInteractions(
    [ix(1, 2), ix(2, 3), ix(1, 3), ix(4, 5), ix(5, 6), ix(4, 6), ix(3, 4)],
    new Set(ids),
    0,
  );
  return buildGraph(genes(ids), edges);
}

describe('dedupeInteractions', () => {
  it('keeps one edge per pair with the maximum score, whichever gene listed it', () => {
    const edges = dedupeInteractions(
      [ix(2, 1, 500), ix(1, 2, 700), ix(1, 3, 450), ix(3, 1, 400), ix(1, 1, 999), ix(1, 9, 999)],
      new Set([1, 2, 3]),
      0,
    );
    expect(edges).toEqual([ix(1, 2, 700), ix(1, 3, 450)]);
  });

  it('drops pairs below the minimum score', () => {
    expect(dedupeInteractions([ix(1, 2, 399), ix(2, 1, 400)], new Set([1, 2]), 400)).toEqual([
      ix(1, 2, 400),
    ]);
    expect(dedupeInteractions([ix(1, 2, 399)], new Set([1, 2]), 400)).toEqual([]);
  });
});

describe('network graph', () => {
  it('has one undirected edge per pair: degrees are not doubled', () => {
    const g = bridgedTriangles();
    expect(g.order).toBe(7);
    expect(g.size).toBe(7);
    expect(g.degree('3')).toBe(3);
    expect(componentCount(g)).toBe(2);
    expect(g.getEdgeAttributes('1_2')).toEqual({ weight: 0.9, string_score: 900 });
  });

  it('applies the degree threshold once on the unfiltered degrees, not as a k-core', () => {
    // Path 1-2-3 and an isolated 4: min_degree 2 keeps 2 alone (1 and 3 have degree 1).
    const g = buildGraph(genes([1, 2, 3, 4]), [ix(1, 2), ix(2, 3)]);
    const kept = applyFilters(g, {
      removeIsolated: false,
      minDegree: 2,
      largestComponentOnly: false,
    });
    expect(kept.nodes()).toEqual(['2']);
    expect(kept.size).toBe(0);
    const noIsolated = applyFilters(g, {
      removeIsolated: true,
      minDegree: 0,
      largestComponentOnly: false,
    });
    expect(noIsolated.nodes()).toEqual(['1', '2', '3']);
  });

  it('keeps the largest component of the unfiltered graph', () => {
    const g = buildGraph(genes([1, 2, 3, 4, 5]), [ix(1, 2), ix(3, 4), ix(4, 5)]);
    const kept = applyFilters(g, {
      removeIsolated: false,
      minDegree: 0,
      largestComponentOnly: true,
    });
    expect(kept.nodes()).toEqual(['3', '4', '5']);
    expect(componentCount(kept)).toBe(1);
  });

  it('extracts the k-hop neighbourhood of the seeds', () => {
    const g = bridgedTriangles();
    expect(kHopNeighbourhood(g, [1], 1).nodes()).toEqual(['1', '2', '3']);
    expect(kHopNeighbourhood(g, [1], 2).nodes()).toEqual(['1', '2', '3', '4']);
    expect(kHopNeighbourhood(g, [1, 7], 3).nodes()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(kHopNeighbourhood(g, [99], 2).order).toBe(0);
  });

  it('writes Cytoscape elements: nodes with string ids and degrees, edges "<src>_<tgt>"', () => {
    const g = buildGraph(genes([1, 2]), [ix(1, 2, 650)]);
    expect(cytoscapeElements(g)).toEqual([
      { data: { id: '1', label: 'G1', gene_id: 1, degree: 1 } },
      { data: { id: '2', label: 'G2', gene_id: 2, degree: 1 } },
      { data: { id: '1_2', source: '1', target: '2', weight: 0.65, string_score: 650 } },
    ]);
  });
});

describe('clustering', () => {
  it.each(['louvain', 'leiden'] as const)(
    '%s finds the two triangles and reports their modularity, 5/14 (hand-computed)',
    (algorithm) => {
      const g = bridgedTriangles();
      const raw = detectCommunities(g, algorithm);
      const c = finishClustering(g, raw, 1);
      const members = (id: number) =>
        [...c.clusterOf]
          .filter(([, k]) => k === id)
          .map(([n]) => n)
          .sort();
      // Equal weights: Q = Σ_c [L_c/m − (d_c/2m)²] = 2·(3/7 − (7/14)²) = 5/14.
      expect(c.numClusters).toBe(3);
      expect(members(0)).toEqual(['1', '2', '3']);
      expect(members(1)).toEqual(['4', '5', '6']);
      expect(members(2)).toEqual(['7']);
      expect(c.modularity).toBeCloseTo(5 / 14, 12);
      // Seeded: the same graph gives the same partition.
      expect(detectCommunities(bridgedTriangles(), algorithm)).toEqual(raw);
    },
  );

  it('drops clusters below min_cluster_size, renumbers the rest and reports the modularity of what is left', () => {
    const g = bridgedTriangles();
    const c = finishClustering(g, detectCommunities(g, 'leiden'), 2);
    expect(c.numClusters).toBe(2);
    expect(c.graph.hasNode('7')).toBe(false);
    expect(c.graph.order).toBe(6);
    expect(c.modularity).toBeCloseTo(5 / 14, 12);
  });

  it('weights edges by STRING score: a weak bridge does not merge two strong groups', () => {
    const ids = [1, 2, 3, 4];
    const g = buildGraph(genes(ids), [ix(1, 2, 990), ix(3, 4, 990), ix(2, 3, 150)]);
    const c = finishClustering(g, detectCommunities(g, 'louvain'), 1);
    expect(c.numClusters).toBe(2);
    expect(c.clusterOf.get('1')).toBe(c.clusterOf.get('2'));
    expect(c.clusterOf.get('1')).not.toBe(c.clusterOf.get('3'));
    // m = 2.13; Q = Σ_c [w_in/m − (s_c/2m)²] with s = 2·0.99 + 0.15 per side.
    const m = 0.99 * 2 + 0.15;
    const s = 0.99 * 2 + 0.15;
    expect(c.modularity).toBeCloseTo(2 * (0.99 / m - (s / (2 * m)) ** 2), 12);
  });

  it('gives every gene its own cluster when there are no edges', () => {
    const g = buildGraph(genes([5, 6]), []);
    const c = finishClustering(g, detectCommunities(g, 'leiden'), 1);
    expect(c.numClusters).toBe(2);
    expect(c.modularity).toBe(0);
  });

  it('cycles the 20-colour palette by cluster id', () => {
    expect(clusterColor(0)).toBe(CLUSTER_PALETTE[0]);
    expect(clusterColor(21)).toBe(CLUSTER_PALETTE[1]);
    expect(new Set(CLUSTER_PALETTE).size).toBe(20);
  });
});
