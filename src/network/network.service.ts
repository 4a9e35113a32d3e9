import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

import { type CacheRecord, CacheService } from '../cache/cache.service.js';
import { AppConfig } from '../config/index.js';
import type {
  NetworkBuildRequest,
  NetworkClusterRequest,
  NetworkSubgraphRequest,
} from './dto/network.request.js';
import type { NetworkBuildResponse, NetworkClusterResponse } from './dto/network.response.js';
import { CLUSTER_SEED, clusterColor, finishClustering } from './graph/clustering.js';
import { ClusterRunner } from './graph/clustering.runner.js';
import {
  applyFilters,
  buildGraph,
  componentCount,
  cytoscapeElements,
  dedupeInteractions,
  kHopNeighbourhood,
  type PpiGraph,
} from './graph/ppi-graph.js';
import { NoValidGenesError } from './network.error.js';
import { NetworkRepository } from './network.repository.js';

export const NETWORK_CACHE_NAMESPACE = 'network';

/**
 * A network answer as the cache holds it, and where it came from: computed for this
 * request (MISS), found or computed for another request meanwhile (HIT), or an expired
 * answer served because computing it failed (STALE).
 */
export interface CachedAnswer {
  record: CacheRecord;
  cache: 'HIT' | 'MISS' | 'STALE';
}

/** Ids once each, ascending: requests that differ only in order or repeats are one answer. */
export const distinctSorted = (ids: readonly number[]) => [...new Set(ids)].sort((a, b) => a - b);

/** What a build answer depends on: the distinct genes and every filter. */
const buildKey = (req: NetworkBuildRequest) => ({
  ids: distinctSorted(req.gene_ids),
  min: req.min_string_score,
  isolated: req.remove_isolated,
  degree: req.min_degree,
  largest: req.largest_component_only,
});

/**
 * Protein-interaction networks of gene sets from the stored STRING annotation: build
 * (with filters), cluster, k-hop subgraph. Answers are cached per normalised request
 * (distinct sorted ids plus every parameter); the namespace is cleared when STRING rows
 * or gene symbols change.
 */
@Injectable()
export class NetworkService implements OnApplicationShutdown {
  constructor(
    private readonly repository: NetworkRepository,
    private readonly cache: CacheService,
    private readonly config: AppConfig,
  ) {}

  private readonly clustering = new ClusterRunner();

  /** The clustering worker thread does not outlive the service. */
  async onApplicationShutdown(): Promise<void> {
    await this.clustering.close();
  }

  /** The answer to a build request (a NetworkBuildResponse), as a cache record. */
  build(req: NetworkBuildRequest): Promise<CachedAnswer> {
    return this.cached({ op: 'build', ...buildKey(req) }, async () => {
      const { filtered, meta } = await this.filteredGraph(req);
      return { ...this.describe(filtered), ...meta } satisfies NetworkBuildResponse;
    });
  }

  /**
   * `load`'s answer through the cache, as the record: its JSON text is sent as the body,
   * never parsed back (a 700-gene network with 4,144 edges is about 400 KB of JSON).
   */
  private async cached(key: object, load: () => Promise<object>): Promise<CachedAnswer> {
    let loaded = false;
    const { record, stale } = await this.cache.wrapRecord(
      key,
      () => {
        loaded = true;
        return load();
      },
      NETWORK_CACHE_NAMESPACE,
    );
    return { record, cache: stale ? 'STALE' : loaded ? 'MISS' : 'HIT' };
  }

  /** The answer to a cluster request (a NetworkClusterResponse), as a cache record. */
  cluster(req: NetworkClusterRequest): Promise<CachedAnswer> {
    const key = {
      op: 'cluster',
      ...buildKey(req),
      algorithm: req.algorithm,
      minSize: req.min_cluster_size,
    };
    return this.cached(key, async () => {
      const { filtered, meta } = await this.filteredGraph(req);
      const clustering = finishClustering(
        filtered,
        await this.clustering.cluster(
          filtered,
          req.algorithm,
          this.config.network.clusterTimeoutMs,
        ),
        req.min_cluster_size,
      );
      const clusters: Record<string, number> = {};
      const sizes = new Array<number>(clustering.numClusters).fill(0);
      for (const [node, cluster] of clustering.clusterOf) {
        clusters[node] = cluster;
        sizes[cluster] += 1;
      }
      return {
        ...this.describe(clustering.graph, {
          clusterOf: clustering.clusterOf,
          colorOf: clusterColor,
        }),
        clusters,
        num_clusters: clustering.numClusters,
        cluster_sizes: sizes,
        // To 3 decimals, as the original answered (its page shows toFixed(3)); `|| 0` keeps a
        // rounding error just below zero from reading as -0.000.
        modularity: Math.round(clustering.modularity * 1000) / 1000 || 0,
        algorithm: req.algorithm,
        objective: 'modularity' as const,
        resolution: 1,
        seed: CLUSTER_SEED,
        ...meta,
      } satisfies NetworkClusterResponse;
    });
  }

  /** The answer to a subgraph request (a NetworkBuildResponse), as a cache record. */
  subgraph(req: NetworkSubgraphRequest): Promise<CachedAnswer> {
    const ids = distinctSorted(req.gene_ids);
    const seeds = distinctSorted(req.seed_gene_ids);
    const key = { op: 'subgraph', ids, seeds, min: req.min_string_score, k: req.k };
    return this.cached(key, async () => {
      const { graph, meta } = await this.graph(ids, req.min_string_score);
      return {
        ...this.describe(kHopNeighbourhood(graph, seeds, req.k)),
        ...meta,
      } satisfies NetworkBuildResponse;
    });
  }

  /** The graph of a build request with its filters applied. */
  private async filteredGraph(req: NetworkBuildRequest) {
    const { graph, meta } = await this.graph(distinctSorted(req.gene_ids), req.min_string_score);
    const filtered = applyFilters(graph, {
      removeIsolated: req.remove_isolated,
      minDegree: req.min_degree,
      largestComponentOnly: req.largest_component_only,
    });
    return { filtered, meta };
  }

  /** The unfiltered graph of the existing genes among `ids` (404 when none exists). */
  private async graph(ids: number[], minScore: number) {
    const [genes, interactions, coverage] = await Promise.all([
      this.repository.genes(ids),
      this.repository.interactions(ids, minScore),
      this.repository.stringCoverage(ids),
    ]);
    if (genes.length === 0) {
      throw new NoValidGenesError(ids);
    }
    const known = new Set(genes.map((g) => g.id));
    const graph = buildGraph(genes, dedupeInteractions(interactions, known, minScore));
    return {
      graph,
      meta: {
        unknown_gene_ids: ids.filter((id) => !known.has(id)),
        string: {
          version: coverage.version,
          stored_min_score: coverage.storedMinScore,
          genes_with_interactions_stored: coverage.annotatedGenes,
          min_string_score: minScore,
        },
      },
    };
  }

  private describe(
    graph: PpiGraph,
    clusters?: Parameters<typeof cytoscapeElements>[1],
  ): Pick<NetworkBuildResponse, 'nodes' | 'edges' | 'components' | 'cytoscape_json'> {
    return {
      nodes: graph.order,
      edges: graph.size,
      components: componentCount(graph),
      cytoscape_json: { elements: cytoscapeElements(graph, clusters) },
    };
  }
}
