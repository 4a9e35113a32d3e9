import { parentPort } from 'node:worker_threads';

import { type ClusterAlgorithm, detectCommunities } from './clustering.js';
import { buildGraph, type Interaction, type NetworkGene } from './ppi-graph.js';

/** A graph to cluster, as plain data: its genes and its (deduplicated) edges. */
export interface ClusterTask {
  genes: NetworkGene[];
  edges: Interaction[];
  algorithm: ClusterAlgorithm;
}

export type ClusterReply =
  { ok: true; communities: [string, number][] } | { ok: false; message: string };

function cluster(task: ClusterTask): ClusterReply {
  try {
    const communities = detectCommunities(buildGraph(task.genes, task.edges), task.algorithm);
    return { ok: true, communities: [...communities] };
  } catch (error) {
    return { ok: false, message: (error as Error)?.message ?? String(error) };
  }
}

/**
 * Worker thread entry: runs community detections off the request event loop, one per
 * message, so a large network (Walktrap takes seconds at 2,000 genes) never stalls the
 * service; each answer is the raw communities.
 */
parentPort!.on('message', (task: ClusterTask) => parentPort!.postMessage(cluster(task)));
