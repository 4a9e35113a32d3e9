import { detectCommunities, finishClustering } from './clustering.js';
import { buildGraph, dedupeInteractions } from './ppi-graph.js';
import { walktrap } from './walktrap.js';

const genes = (ids: number[]) => ids.map((id) => ({ id, symbol: `G${id}` }));

/** Graph over genes 1..n with the given pairs, every edge at `score`. */
function graphOf(n: number, pairs: [number, number][], score = 1000) {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const edges = dedupeInteractions(
    pairs.map(([a, b]) => ({ a, b, score })),
    new Set(ids),
    0,
  );
  return buildGraph(genes(ids), edges);
}

/** Zachary's karate club (1977): 34 members, 78 friendships, members numbered from 1. */
const KARATE: [number, number][] = (
  [
    [1, [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 18, 20, 22, 32]],
    [2, [3, 4, 8, 14, 18, 20, 22, 31]],
    [3, [4, 8, 9, 10, 14, 28, 29, 33]],
    [4, [8, 13, 14]],
    [5, [7, 11]],
    [6, [7, 11, 17]],
    [7, [17]],
    [9, [31, 33, 34]],
    [10, [34]],
    [14, [34]],
    [15, [33, 34]],
    [16, [33, 34]],
    [19, [33, 34]],
    [20, [34]],
    [21, [33, 34]],
    [23, [33, 34]],
    [24, [26, 28, 30, 33, 34]],
    [25, [26, 28, 32]],
    [26, [32]],
    [27, [30, 34]],
    [28, [34]],
    [29, [32, 34]],
    [30, [33, 34]],
    [31, [33, 34]],
    [32, [33, 34]],
    [33, [34]],
  ] as [number, number[]][]
).flatMap(([a, bs]) => bs.map((b): [number, number] => [a, b]));

const groups = (communities: Map<string, number>) => {
  const by = new Map<number, number[]>();
  for (const [node, c] of communities) {
    by.set(c, [...(by.get(c) ?? []), Number(node)]);
  }
  return [...by.values()].map((g) => g.sort((x, y) => x - y)).sort((x, y) => x[0] - y[0]);
};

describe('walktrap', () => {
  it('finds the two triangles joined by a bridge, and leaves an isolated gene alone', () => {
    const g = graphOf(7, [
      [1, 2],
      [2, 3],
      [1, 3],
      [4, 5],
      [5, 6],
      [4, 6],
      [3, 4],
    ]);
    expect(groups(walktrap(g))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    const c = finishClustering(g, detectCommunities(g, 'walktrap'), 1);
    // Q = 2·(3/7 − (7/14)²) = 5/14, worked out by hand.
    expect(c.modularity).toBeCloseTo(5 / 14, 12);
  });

  it('has 78 edges in the karate club', () => {
    expect(KARATE).toHaveLength(78);
    expect(graphOf(34, KARATE).size).toBe(78);
  });

  it('cuts the karate club where igraph does: 5 communities, modularity 0.3532', () => {
    // The membership R's igraph prints for cluster_walktrap on make_graph("Zachary").
    const g = graphOf(34, KARATE);
    expect(groups(walktrap(g))).toEqual([
      [1, 2, 4, 8, 12, 13, 18, 20, 22],
      [3, 9, 10, 14, 29, 31, 32],
      [5, 6, 7, 11, 17],
      [15, 16, 19, 21, 23, 27, 30, 33, 34],
      [24, 25, 26, 28],
    ]);
    const c = finishClustering(g, detectCommunities(g, 'walktrap'), 1);
    expect(c.modularity).toBeCloseTo(0.3532216, 6);
  });

  it("cuts a weighted ring where igraph's own test does", () => {
    // igraph's walktrap unit test: ring 0-1-2-3-4-5-0 with weights 1, 0.5, 0.25, 0.75,
    // 1.25, 1.5 gives membership (0 1 1 2 2 0), modularity 0.146259. Here the genes are
    // numbered from 1 and the weights halved (the cut does not depend on their scale).
    const ring = [500, 250, 125, 375, 625, 750];
    const g = buildGraph(
      genes([1, 2, 3, 4, 5, 6]),
      ring
        .map((score, i) => ({ a: i + 1, b: ((i + 1) % 6) + 1, score }))
        .map(({ a, b, score }) => (a < b ? { a, b, score } : { a: b, b: a, score })),
    );
    expect(groups(walktrap(g))).toEqual([
      [1, 6],
      [2, 3],
      [4, 5],
    ]);
    const c = finishClustering(g, walktrap(g), 1);
    expect(c.modularity).toBeCloseTo(0.146259, 6);
  });

  it('is deterministic and keeps disconnected parts apart', () => {
    const g = graphOf(6, [
      [1, 2],
      [2, 3],
      [4, 5],
      [5, 6],
    ]);
    const first = walktrap(g);
    expect(
      walktrap(
        graphOf(6, [
          [1, 2],
          [2, 3],
          [4, 5],
          [5, 6],
        ]),
      ),
    ).toEqual(first);
    for (const [a, b] of [
      [1, 4],
      [2, 5],
      [3, 6],
    ]) {
      expect(first.get(String(a))).not.toBe(first.get(String(b)));
    }
  });

  it('leaves out an edge of score 0 instead of failing every distance', () => {
    // A gene whose only edge weighs 0 would have a walk degree of 0, and every distance NaN.
    const g = buildGraph(genes([1, 2, 3, 4, 5, 6]), [
      { a: 1, b: 2, score: 0 },
      { a: 2, b: 3, score: 900 },
      { a: 3, b: 4, score: 900 },
      { a: 2, b: 4, score: 900 },
      { a: 4, b: 5, score: 100 },
      { a: 5, b: 6, score: 900 },
    ]);
    expect(groups(walktrap(g))).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('weighs edges: a weak link between two strong pairs is where it cuts', () => {
    const ids = [1, 2, 3, 4];
    const g = buildGraph(genes(ids), [
      { a: 1, b: 2, score: 990 },
      { a: 2, b: 3, score: 150 },
      { a: 3, b: 4, score: 990 },
    ]);
    expect(groups(walktrap(g))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
