import { detectCommunities } from '../../../src/network/graph/clustering.js';
import { ClusterRunner } from '../../../src/network/graph/clustering.runner.js';
import { buildGraph, dedupeInteractions } from '../../../src/network/graph/ppi-graph.js';

/** n genes and about m pseudo-random interactions (fixed seed), scores 400–999. */
function randomNetwork(n: number, m: number) {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  let state = 7;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const interactions = Array.from({ length: m }, () => ({
    a: 1 + Math.floor(random() * n),
    b: 1 + Math.floor(random() * n),
    score: 400 + Math.floor(random() * 600),
  }));
  return buildGraph(
    ids.map((id) => ({ id, symbol: `G${id}` })),
    dedupeInteractions(interactions, new Set(ids), 0),
  );
}

describe('clustering in a worker thread (the compiled worker)', () => {
  const runner = new ClusterRunner();
  const clusterInWorker = runner.cluster.bind(runner);
  afterAll(() => runner.close());

  it.each(['leiden', 'louvain', 'walktrap'] as const)(
    '%s finds the same communities as in this thread',
    async (algorithm) => {
      const graph = randomNetwork(150, 600);
      expect(await clusterInWorker(graph, algorithm, 60_000)).toEqual(
        detectCommunities(graph, algorithm),
      );
    },
  );

  it('keeps the event loop turning while a large network is clustered', async () => {
    // Walktrap on 2,000 genes takes over a second of CPU; run in this thread it would let
    // no timer fire until it was done.
    const graph = randomNetwork(2000, 20_000);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    try {
      const communities = await clusterInWorker(graph, 'walktrap', 60_000);
      expect(communities.size).toBe(2000);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(20);
  });

  it('stops a clustering past its time limit: 422 NETWORK_TOO_LARGE', async () => {
    const graph = randomNetwork(2000, 20_000);
    await expect(clusterInWorker(graph, 'walktrap', 1)).rejects.toMatchObject({
      code: 'NETWORK_TOO_LARGE',
      status: 422,
      details: { limit: 'time', max: 1, nodes: 2000 },
    });
  });
});
