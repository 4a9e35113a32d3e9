import type { PpiGraph } from './ppi-graph.js';

/** Random-walk length: the original's (and igraph's) default. */
export const WALKTRAP_STEPS = 4;

/** Two adjacent communities, a < b, and what merging them would cost. */
interface Pair {
  a: number;
  b: number;
  /** Δσ: exact, or (while `exact` is false) the estimate it was queued with. */
  ds: number;
  exact: boolean;
  /** Total weight of the edges between the two. */
  weight: number;
  /** False once either side has been merged into another community. */
  live: boolean;
}

/**
 * A binary min-heap of candidate merges, ordered by Δσ, then by the two community ids. A
 * pair is in it at most once (its Δσ changes only once popped); one whose side was merged
 * meanwhile is skipped when it surfaces.
 */
class MergeHeap {
  private readonly items: Pair[] = [];

  get size(): number {
    return this.items.length;
  }

  push(pair: Pair): void {
    const items = this.items;
    items.push(pair);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i], items[parent])) {
        break;
      }
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): Pair | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l], items[m])) {
          m = l;
        }
        if (r < items.length && before(items[r], items[m])) {
          m = r;
        }
        if (m === i) {
          break;
        }
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(x: Pair, y: Pair): boolean {
  return x.ds < y.ds || (x.ds === y.ds && (x.a < y.a || (x.a === y.a && x.b < y.b)));
}

/**
 * Walktrap communities (Pons & Latapy, "Computing communities in large networks using
 * random walks", JGAA 10(2), 2006), hand-written because no maintained JavaScript
 * package implements it (see ADR 0007). It follows the reference implementation that
 * igraph ships (and the original called), so the same graph gives the same dendrogram:
 *
 * - Every gene gets a loop whose weight is the mean weight of its edges (1 for an isolated
 *   gene), so a walk may stay put.
 * - The distance of two communities is the Euclidean distance of their `steps`-step walk
 *   distributions, each coordinate divided by the square root of the target's weighted
 *   degree; merging C1 and C2 costs Δσ = |C1||C2|/(|C1|+|C2|)·r²(C1,C2), and the
 *   merged community's distribution is the size-weighted mean of its parts.
 * - Starting from one community per gene, the adjacent pair with the least Δσ is merged
 *   until no adjacent pair is left. After a merge, Δσ towards a community adjacent to both
 *   parts follows exactly from the two old ones (the paper's Theorem 4); towards one
 *   adjacent to a single part it is estimated from the old one and the merge's own Δσ,
 *   and computed exactly only when that estimate comes first in the queue, as the
 *   reference implementation does. Ties go to the smaller community ids.
 * - The dendrogram is cut where the weighted modularity (resolution 1, loops left out) is
 *   highest, at the first such merge.
 *
 * Deterministic. Memory is one dense vector per community whose distance was needed: n²
 * numbers at most (32 MB at the 2,000 genes a request may send).
 */
export function walktrap(graph: PpiGraph, steps = WALKTRAP_STEPS): Map<string, number> {
  const nodes = graph.nodes();
  const n = nodes.length;
  const index = new Map(nodes.map((node, i) => [node, i] as const));
  // Adjacency with loops: neighbour indices and weights per node.
  const adjacent: { to: number; w: number }[][] = nodes.map(() => []);
  // An edge of weight 0 carries no walk: it is left out (it would give a gene a degree of 0).
  graph.forEachEdge((_edge, { weight }, source, target) => {
    if (weight > 0) {
      const [s, t] = [index.get(source)!, index.get(target)!];
      adjacent[s].push({ to: t, w: weight });
      adjacent[t].push({ to: s, w: weight });
    }
  });
  const strength = new Float64Array(n); // weighted degree without the loop
  const walkDegree = new Float64Array(n); // with it
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    for (const { w } of adjacent[i]) {
      strength[i] += w;
    }
    total += strength[i] / 2;
    const loop = adjacent[i].length ? strength[i] / adjacent[i].length : 1;
    adjacent[i].push({ to: i, w: loop });
    walkDegree[i] = strength[i] + loop;
  }

  const size: number[] = new Array<number>(n).fill(1);
  const degreeOf: number[] = Array.from(strength);
  const vectors = new Map<number, Float64Array>();
  // The walk as compressed rows: for node j, targets[offset[j] .. offset[j + 1]) with the
  // probability of stepping to each (edge weight / weighted degree, loop included).
  const offset = new Int32Array(n + 1);
  for (let j = 0; j < n; j += 1) {
    offset[j + 1] = offset[j] + adjacent[j].length;
  }
  const targets = new Int32Array(offset[n]);
  const step = new Float64Array(offset[n]);
  for (let j = 0; j < n; j += 1) {
    adjacent[j].forEach(({ to, w }, k) => {
      targets[offset[j] + k] = to;
      step[offset[j] + k] = w / walkDegree[j];
    });
  }
  const rootDegree = walkDegree.map(Math.sqrt);
  /** The walk distribution from `start`, each coordinate divided by sqrt(d(target)). */
  const walkFrom = (start: number): Float64Array => {
    let v = new Float64Array(n);
    let next = new Float64Array(n);
    v[start] = 1;
    for (let t = 0; t < steps; t += 1) {
      next.fill(0);
      for (let j = 0; j < n; j += 1) {
        const p = v[j];
        if (p !== 0) {
          for (let e = offset[j], end = offset[j + 1]; e < end; e += 1) {
            next[targets[e]] += p * step[e];
          }
        }
      }
      [v, next] = [next, v];
    }
    for (let k = 0; k < n; k += 1) {
      v[k] /= rootDegree[k];
    }
    return v;
  };
  const vectorOf = (c: number): Float64Array => {
    let v = vectors.get(c);
    if (!v) {
      v = walkFrom(c); // only singletons are computed late: a merge stores its vector
      vectors.set(c, v);
    }
    return v;
  };
  const exactDeltaSigma = (a: number, b: number): number => {
    const [va, vb] = [vectorOf(a), vectorOf(b)];
    let r2 = 0;
    for (let k = 0; k < n; k += 1) {
      const d = va[k] - vb[k];
      r2 += d * d;
    }
    return ((size[a] * size[b]) / (size[a] + size[b])) * r2;
  };

  // Community → neighbouring community → their pair.
  const neighbours = new Map<number, Map<number, Pair>>();
  for (let i = 0; i < n; i += 1) {
    neighbours.set(i, new Map());
  }
  const heap = new MergeHeap();
  const link = (pair: Pair) => {
    neighbours.get(pair.a)!.set(pair.b, pair);
    neighbours.get(pair.b)!.set(pair.a, pair);
    heap.push(pair);
  };
  graph.forEachEdge((_edge, { weight }, source, target) => {
    if (weight <= 0) {
      return;
    }
    const [x, y] = [index.get(source)!, index.get(target)!];
    const [a, b] = x < y ? [x, y] : [y, x];
    // Queued first by a negative guess (fewer neighbours first), so every pair's exact Δσ
    // is computed before any merge.
    const guess = -1 / Math.min(adjacent[a].length, adjacent[b].length);
    link({ a, b, ds: guess, exact: false, weight, live: true });
  });

  let q = 0;
  for (let i = 0; i < n; i += 1) {
    q -= total > 0 ? (strength[i] / (2 * total)) ** 2 : 0;
  }
  let bestQ = q;
  let bestStep = 0;
  const merges: [number, number, number][] = [];
  for (;;) {
    const pair = heap.pop();
    if (!pair) {
      break;
    }
    if (!pair.live) {
      continue; // one side was merged into another community meanwhile
    }
    if (!pair.exact) {
      pair.ds = exactDeltaSigma(pair.a, pair.b);
      pair.exact = true;
      heap.push(pair);
      continue;
    }
    const { a, b } = pair;
    const merged = size.length;
    size.push(size[a] + size[b]);
    degreeOf.push(degreeOf[a] + degreeOf[b]);
    const [va, vb] = [vectorOf(a), vectorOf(b)];
    const v = new Float64Array(n);
    for (let k = 0; k < n; k += 1) {
      v[k] = (size[a] * va[k] + size[b] * vb[k]) / size[merged];
    }
    vectors.set(merged, v);
    vectors.delete(a);
    vectors.delete(b);
    q += pair.weight / total - (2 * degreeOf[a] * degreeOf[b]) / (4 * total * total);
    merges.push([a, b, merged]);
    if (q > bestQ + 1e-12) {
      bestQ = q;
      bestStep = merges.length;
    }

    const [na, nb] = [neighbours.get(a)!, neighbours.get(b)!];
    neighbours.delete(a);
    neighbours.delete(b);
    neighbours.set(merged, new Map());
    pair.live = false;
    const others = [...new Set([...na.keys(), ...nb.keys()])]
      .filter((c) => c !== a && c !== b)
      .sort((x, y) => x - y);
    for (const c of others) {
      const [pa, pb] = [na.get(c), nb.get(c)];
      const sc = size[c];
      const all = size[merged] + sc;
      let next: Pair;
      if (pa && pb) {
        next = {
          a: c,
          b: merged,
          ds: ((size[a] + sc) * pa.ds + (size[b] + sc) * pb.ds - sc * pair.ds) / all,
          exact: pa.exact && pb.exact,
          weight: pa.weight + pb.weight,
          live: true,
        };
      } else if (pa) {
        next = {
          a: c,
          b: merged,
          ds: ((size[a] + sc) * pa.ds + size[b] * pair.ds) / all,
          exact: false,
          weight: pa.weight,
          live: true,
        };
      } else {
        next = {
          a: c,
          b: merged,
          ds: (size[a] * pair.ds + (size[b] + sc) * pb!.ds) / all,
          exact: false,
          weight: pb!.weight,
          live: true,
        };
      }
      for (const old of [pa, pb]) {
        if (old) {
          old.live = false;
          neighbours.get(c)!.delete(old.a === c ? old.b : old.a);
        }
      }
      link(next);
    }
  }

  // Replay the merges up to the best cut.
  const parent = new Map<number, number>();
  for (const [a, b, merged] of merges.slice(0, bestStep)) {
    parent.set(a, merged);
    parent.set(b, merged);
  }
  const root = (c: number): number => {
    let r = c;
    while (parent.has(r)) {
      r = parent.get(r)!;
    }
    return r;
  };
  const communities = new Map<string, number>();
  nodes.forEach((node, i) => communities.set(node, root(i)));
  return communities;
}
