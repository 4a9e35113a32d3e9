import { compiledWorker, PersistentWorker, WorkerSlots } from '../../common/worker-task.js';
import { NetworkBusyError, NetworkTooLargeError } from '../network.error.js';
import type { ClusterAlgorithm } from './clustering.js';
import type { ClusterReply, ClusterTask } from './clustering.worker.js';
import type { PpiGraph } from './ppi-graph.js';

/** Clusterings at once: one core stays free for requests and the database. */
export const PARALLEL_CLUSTERINGS = 1;
/** Clusterings waiting for the slot; one more is refused (503 NETWORK_BUSY). */
export const MAX_WAITING_CLUSTERINGS = 8;
/** Walktrap keeps a dense vector per community: about 180 MB at that size. */
export const CLUSTERING_HEAP_MB = 1024;
const BUSY_RETRY_AFTER_SECONDS = 10;

let worker: PersistentWorker | undefined;

const slots = new WorkerSlots(
  PARALLEL_CLUSTERINGS,
  MAX_WAITING_CLUSTERINGS,
  (waiting) => new NetworkBusyError(waiting, BUSY_RETRY_AFTER_SECONDS),
);

/**
 * Raw communities of `graph` (node key → community), found in a worker thread so the
 * event loop that answers requests never runs the algorithm: Leiden takes about half a
 * second and Walktrap several seconds on the largest networks a request may ask for. The
 * worker lives on between requests (loading the graph libraries costs about 50 ms); one
 * clustering runs at a time. A worker past its time (NETWORK_CLUSTER_TIMEOUT_MS) or memory
 * limit is stopped, the request answered 422 NETWORK_TOO_LARGE, and the next one starts a
 * new worker.
 */
export function clusterInWorker(
  graph: PpiGraph,
  algorithm: ClusterAlgorithm,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const task: ClusterTask = { genes: [], edges: [], algorithm };
  graph.forEachNode((_node, { geneId, symbol }) => task.genes.push({ id: geneId, symbol }));
  graph.forEachEdge((_edge, { string_score }, source, target) =>
    task.edges.push({ a: Number(source), b: Number(target), score: string_score }),
  );
  return slots.run(async () => {
    worker ??= new PersistentWorker(
      compiledWorker(import.meta.url, 'clustering.worker'),
      CLUSTERING_HEAP_MB,
    );
    const reply = (await worker.request(task, {
      timeoutMs,
      onTimeout: () => new NetworkTooLargeError('time', timeoutMs, graph.order, graph.size),
      onOutOfMemory: () =>
        new NetworkTooLargeError('memory', CLUSTERING_HEAP_MB, graph.order, graph.size),
    })) as ClusterReply;
    if (!reply.ok) {
      throw new Error(`clustering failed: ${reply.message}`);
    }
    return new Map(reply.communities);
  });
}

/** Stops the clustering worker (at shutdown). */
export async function stopClusterWorker(): Promise<void> {
  await worker?.close();
}
