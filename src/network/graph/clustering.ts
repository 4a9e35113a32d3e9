import louvainModule from 'graphology-communities-louvain';
import modularityModule from 'graphology-metrics/graph/modularity.js';
import createNgraph from 'ngraph.graph';
import { detectClusters } from 'ngraph.leiden';

import { cjsDefault } from './cjs-default.js';
import { induced, type PpiGraph } from './ppi-graph.js';
import { walktrap } from './walktrap.js';

const louvain = cjsDefault(louvainModule);
const modularity = cjsDefault(modularityModule);

export const CLUSTER_ALGORITHMS = ['leiden', 'louvain', 'walktrap'] as const;
export type ClusterAlgorithm = (typeof CLUSTER_ALGORITHMS)[number];

/** The fixed seed of Leiden and Louvain (Walktrap has no randomness): the same request gives the same partition. */
export const CLUSTER_SEED = 42;

/**
 * 20 categorical colours (Tableau 20), cycled by cluster id: neighbouring ids get
 * distinguishable hues, and a cluster keeps its colour as long as it keeps its id.
 */
export const CLUSTER_PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#a0cbe8',
  '#ffbe7d',
  '#ff9d9a',
  '#86bcb6',
  '#8cd17d',
  '#f1ce63',
  '#d4a6c8',
  '#fabfd2',
  '#d7b5a6',
  '#79706e',
] as const;

export const clusterColor = (cluster: number): string =>
  CLUSTER_PALETTE[cluster % CLUSTER_PALETTE.length];

/** A seeded uniform generator in [0, 1) (Park–Miller), for Louvain's node order. */
function seededRandom(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/**
 * Communities maximising weighted modularity at resolution 1 (Newman–Girvan, edge weight =
 * STRING score / 1000), seeded, so a given graph always gives the same partition.
 * Louvain: graphology-communities-louvain (Blondel et al. 2008). Leiden: ngraph.leiden
 * with the modularity objective and refinement (Traag, Waltman & van Eck 2019), which
 * guarantees connected communities. Walktrap (Pons & Latapy 2006, 4-step walks, the
 * dendrogram cut at the highest weighted modularity; see walktrap.ts) is deterministic.
 * Raw community labels, per node key.
 */
export function detectCommunities(
  graph: PpiGraph,
  algorithm: ClusterAlgorithm,
): Map<string, number> {
  const raw = new Map<string, number>();
  if (graph.size === 0) {
    // No edges: modularity has no gradient; every gene is its own community.
    let i = 0;
    graph.forEachNode((node) => raw.set(node, i++));
    return raw;
  }
  if (algorithm === 'walktrap') {
    return walktrap(graph);
  }
  if (algorithm === 'louvain') {
    const communities = louvain(graph, {
      getEdgeWeight: 'weight',
      resolution: 1,
      rng: seededRandom(CLUSTER_SEED),
    });
    graph.forEachNode((node) => raw.set(node, communities[node]));
    return raw;
  }
  const ngraph = createNgraph<unknown, number>();
  graph.forEachNode((node) => ngraph.addNode(node));
  graph.forEachEdge((_edge, { weight }, source, target) => ngraph.addLink(source, target, weight));
  const result = detectClusters(ngraph, {
    quality: 'modularity',
    randomSeed: CLUSTER_SEED,
    refine: true,
    linkWeight: (link: { data: number }) => link.data,
  });
  graph.forEachNode((node) => raw.set(node, result.getClass(node)));
  return raw;
}

export interface Clustering {
  /** The clustered graph: genes of clusters with at least minClusterSize genes. */
  graph: PpiGraph;
  /** Node key → cluster id, 0-based, largest cluster first. */
  clusterOf: Map<string, number>;
  numClusters: number;
  /** Weighted modularity (resolution 1) of the returned partition on the returned graph. */
  modularity: number;
}

/**
 * Clusters renumbered largest first (ties: the cluster with the smallest gene id first),
 * clusters smaller than `minClusterSize` dropped with their genes, and the modularity of
 * what is returned.
 */
export function finishClustering(
  graph: PpiGraph,
  raw: ReadonlyMap<string, number>,
  minClusterSize: number,
): Clustering {
  const members = new Map<number, number[]>();
  graph.forEachNode((node, { geneId }) => {
    const c = raw.get(node)!;
    let list = members.get(c);
    if (!list) {
      members.set(c, (list = []));
    }
    list.push(geneId);
  });
  const kept = [...members.values()]
    .filter((genes) => genes.length >= minClusterSize)
    .sort((x, y) => y.length - x.length || Math.min(...x) - Math.min(...y));
  const clusterOf = new Map<string, number>();
  kept.forEach((genes, id) => genes.forEach((g) => clusterOf.set(String(g), id)));
  const clustered = kept.length === members.size ? graph : induced(graph, (n) => clusterOf.has(n));
  return {
    graph: clustered,
    clusterOf,
    numClusters: kept.length,
    modularity:
      clustered.size === 0
        ? 0
        : modularity(clustered, {
            getNodeCommunity: (node: string) => clusterOf.get(node)!,
            getEdgeWeight: 'weight',
          }),
  };
}
