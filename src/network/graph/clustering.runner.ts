import { compiledWorker, PersistentWorker, WorkerSlots } from '../../common/worker-task.js';
import { NetworkBusyError, NetworkTooLargeError } from '../network.error.js';
import type { ClusterAlgorithm } from './clustering.js';
import type { ClusterReply, ClusterTask } from './clustering.worker.js';
import type { PpiGraph } from './ppi-graph.js';

/** Clusterings at once: one core stays free for requests and the database. */
export const PARALLEL_CLUSTERINGS = 1;
/** Clusterings waiting for the slot; one more is refused (503 NETWORK_BUSY). */
export const MAX_WAITING_CLUSTERINGS = 8;
/**
 * The worker's V8 heap cap. Walktrap's vectors are typed arrays, outside this heap: at the
 * 2,000 genes a request may send they take 32 MB (n² numbers), and the process grew by
 * about 180 MB on 2,000 genes and 60,000 interactions.
 */
export const CLUSTERING_HEAP_MB = 1024;
const BUSY_RETRY_AFTER_SECONDS = 10;

/**
 * Finds the raw communities of a graph (node key → community) in a worker thread, so the
 * event loop that answers requests never runs the algorithm: Leiden takes about half a
 * second and Walktrap several seconds on the largest networks a request may ask for. The
 * worker lives on between requests (loading the graph libraries costs about 50 ms); one
 * clustering runs at a time and up to MAX_WAITING_CLUSTERINGS wait (one more is 503
 * NETWORK_BUSY). A worker past its time (NETWORK_CLUSTER_TIMEOUT_MS) or heap limit is
 * stopped, the request answered 422 NETWORK_TOO_LARGE, and the next one starts a new
 * worker. Each application has its own runner, closed with it.
 */
export class ClusterRunner {
  private worker?: PersistentWorker;
  private readonly slots = new WorkerSlots(
    PARALLEL_CLUSTERINGS,
    MAX_WAITING_CLUSTERINGS,
    (waiting) => new NetworkBusyError(waiting, BUSY_RETRY_AFTER_SECONDS),
  );

  cluster(
    graph: PpiGraph,
    algorithm: ClusterAlgorithm,
    timeoutMs: number,
  ): Promise<Map<string, number>> {
    const task: ClusterTask = { genes: [], edges: [], algorithm };
    graph.forEachNode((_node, { geneId, symbol }) => task.genes.push({ id: geneId, symbol }));
    graph.forEachEdge((_edge, { string_score }, source, target) =>
      task.edges.push({ a: Number(source), b: Number(target), score: string_score }),
    );
    return this.slots.run(async () => {
      this.worker ??= new PersistentWorker(
        compiledWorker(import.meta.url, 'clustering.worker'),
        CLUSTERING_HEAP_MB,
      );
      const reply = (await this.worker.request(task, {
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

  /** Stops the worker, if one runs. */
  async close(): Promise<void> {
    await this.worker?.close();
  }
}
