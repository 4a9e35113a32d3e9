// ngraph.leiden ships no type declarations; these cover the part this module calls.
declare module 'ngraph.leiden' {
  import type { Graph, Link } from 'ngraph.graph';

  export interface LeidenOptions<L> {
    quality?: 'modularity' | 'cpm';
    resolution?: number;
    randomSeed?: number;
    refine?: boolean;
    directed?: boolean;
    linkWeight?: (link: Link<L>) => number;
  }

  export interface Clusters {
    getClass(nodeId: string | number): number;
    getCommunities(): Map<number, (string | number)[]>;
    quality(): number;
  }

  export function detectClusters<N, L>(graph: Graph<N, L>, options?: LeidenOptions<L>): Clusters;
}
