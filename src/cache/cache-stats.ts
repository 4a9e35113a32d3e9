export interface Counters {
  hits_l1: number;
  hits_l2: number;
  misses: number;
  sets: number;
  deletes: number;
  errors: number;
  stale_serves: number;
  loader_calls: number;
  coalesced: number;
}

const zero = (): Counters => ({
  hits_l1: 0,
  hits_l2: 0,
  misses: 0,
  sets: 0,
  deletes: 0,
  errors: 0,
  stale_serves: 0,
  loader_calls: 0,
  coalesced: 0,
});

export interface CounterReport extends Counters {
  hits: number;
  hit_rate: number;
}

/** Per-process counters per namespace; exact, since the event loop is single-threaded. */
export class CacheCounters {
  private readonly byNamespace = new Map<string, Counters>();

  bump(namespace: string, counter: keyof Counters, by = 1): void {
    let counters = this.byNamespace.get(namespace);
    if (!counters) {
      counters = zero();
      this.byNamespace.set(namespace, counters);
    }
    counters[counter] += by;
  }

  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  report(namespace?: string): CounterReport {
    const sum = zero();
    for (const [ns, counters] of this.byNamespace) {
      if (namespace !== undefined && ns !== namespace) {
        continue;
      }
      for (const key of Object.keys(sum) as (keyof Counters)[]) {
        sum[key] += counters[key];
      }
    }
    const hits = sum.hits_l1 + sum.hits_l2;
    const lookups = hits + sum.misses;
    return { ...sum, hits, hit_rate: lookups === 0 ? 0 : hits / lookups };
  }
}
