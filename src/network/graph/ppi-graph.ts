import type { UndirectedGraph } from 'graphology';
import graphology from 'graphology';
import { connectedComponents } from 'graphology-components';

import { cjsDefault } from './cjs-default.js';

const Graph = cjsDefault(graphology);

/** A requested gene that exists. */
export interface NetworkGene {
  id: number;
  symbol: string;
}

/** A stored STRING interaction between two requested genes (either direction). */
export interface Interaction {
  a: number;
  b: number;
  score: number;
}

export interface NodeAttributes {
  geneId: number;
  symbol: string;
}

export interface EdgeAttributes {
  /** string_score / 1000. */
  weight: number;
  string_score: number;
}

export type PpiGraph = UndirectedGraph<NodeAttributes, EdgeAttributes>;

/**
 * One undirected edge per gene pair, keeping the pair's maximum score: STRING lists an
 * interaction under both genes, and a graph with both copies would double every degree,
 * the edge count and the weights clustering sees. Self-pairs, pairs with a gene outside
 * `genes` and pairs below `minScore` are dropped. Sorted by (a, b), a < b.
 */
export function dedupeInteractions(
  interactions: Iterable<Interaction>,
  genes: ReadonlySet<number>,
  minScore: number,
): Interaction[] {
  const best = new Map<string, Interaction>();
  for (const { a: x, b: y, score } of interactions) {
    if (x === y || score < minScore || !genes.has(x) || !genes.has(y)) {
      continue;
    }
    const [a, b] = x < y ? [x, y] : [y, x];
    const key = `${a}_${b}`;
    const seen = best.get(key);
    if (!seen || seen.score < score) {
      best.set(key, { a, b, score });
    }
  }
  return [...best.values()].sort((p, q) => p.a - q.a || p.b - q.b);
}

/** The graph of `genes` (ascending id order) and their deduplicated interactions. */
export function buildGraph(
  genes: readonly NetworkGene[],
  interactions: readonly Interaction[],
): PpiGraph {
  const graph = new Graph<NodeAttributes, EdgeAttributes>({
    type: 'undirected',
    multi: false,
    allowSelfLoops: false,
  });
  for (const g of [...genes].sort((x, y) => x.id - y.id)) {
    graph.addNode(String(g.id), { geneId: g.id, symbol: g.symbol });
  }
  for (const { a, b, score } of interactions) {
    graph.addUndirectedEdgeWithKey(`${a}_${b}`, String(a), String(b), {
      weight: score / 1000,
      string_score: score,
    });
  }
  return graph;
}

/** The subgraph induced by `keep`, nodes and edges in their original order. */
export function induced(graph: PpiGraph, keep: (node: string) => boolean): PpiGraph {
  const sub: PpiGraph = graph.emptyCopy();
  graph.forEachNode((node) => {
    if (!keep(node)) {
      sub.dropNode(node);
    }
  });
  graph.forEachEdge((edge, attributes, source, target) => {
    if (sub.hasNode(source) && sub.hasNode(target)) {
      sub.addUndirectedEdgeWithKey(edge, source, target, { ...attributes });
    }
  });
  return sub;
}

export interface GraphFilters {
  removeIsolated: boolean;
  minDegree: number;
  largestComponentOnly: boolean;
}

/**
 * The build filters, all judged on the unfiltered graph: degree ≥ max(1 if removeIsolated,
 * minDegree) once (not an iterated k-core), and with largestComponentOnly the nodes of the
 * unfiltered graph's largest connected component (the first in id order on a tie).
 */
export function applyFilters(graph: PpiGraph, filters: GraphFilters): PpiGraph {
  const threshold = Math.max(filters.removeIsolated ? 1 : 0, filters.minDegree);
  let largest: Set<string> | null = null;
  if (filters.largestComponentOnly && graph.order > 0) {
    let best: string[] = [];
    for (const component of connectedComponents(graph)) {
      if (component.length > best.length) {
        best = component;
      }
    }
    largest = new Set(best);
  }
  if (threshold === 0 && !largest) {
    return graph;
  }
  return induced(
    graph,
    (node) => graph.degree(node) >= threshold && (!largest || largest.has(node)),
  );
}

/** Connected components; an isolated node counts as one. */
export function componentCount(graph: PpiGraph): number {
  return graph.order === 0 ? 0 : connectedComponents(graph).length;
}

/**
 * The union over `seeds` of their k-hop neighbourhoods (breadth-first, at most k edges
 * away), as an induced subgraph. Seeds not in the graph are skipped.
 */
export function kHopNeighbourhood(graph: PpiGraph, seeds: readonly number[], k: number): PpiGraph {
  const reached = new Set<string>();
  let frontier = seeds.map(String).filter((s) => graph.hasNode(s));
  frontier.forEach((s) => reached.add(s));
  for (let hop = 0; hop < k && frontier.length > 0; hop += 1) {
    const next: string[] = [];
    for (const node of frontier) {
      graph.forEachNeighbor(node, (neighbour) => {
        if (!reached.has(neighbour)) {
          reached.add(neighbour);
          next.push(neighbour);
        }
      });
    }
    frontier = next;
  }
  return induced(graph, (node) => reached.has(node));
}

export interface CytoscapeNode {
  data: {
    id: string;
    label: string;
    gene_id: number;
    degree: number;
    cluster_id?: number;
    color?: string;
  };
}

export interface CytoscapeEdge {
  data: { id: string; source: string; target: string; weight: number; string_score: number };
}

/** The graph as Cytoscape.js `elements`: nodes, then edges; cluster colours when given. */
export function cytoscapeElements(
  graph: PpiGraph,
  clusters?: { clusterOf: ReadonlyMap<string, number>; colorOf: (cluster: number) => string },
): (CytoscapeNode | CytoscapeEdge)[] {
  const elements: (CytoscapeNode | CytoscapeEdge)[] = [];
  graph.forEachNode((node, { geneId, symbol }) => {
    const data: CytoscapeNode['data'] = {
      id: node,
      label: symbol,
      gene_id: geneId,
      degree: graph.degree(node),
    };
    const cluster = clusters?.clusterOf.get(node);
    if (clusters && cluster !== undefined) {
      data.cluster_id = cluster;
      data.color = clusters.colorOf(cluster);
    }
    elements.push({ data });
  });
  graph.forEachEdge((edge, { weight, string_score }, source, target) => {
    elements.push({ data: { id: edge, source, target, weight, string_score } });
  });
  return elements;
}
