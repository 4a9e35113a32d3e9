/** The generation row that counts clears of every namespace at once. */
export const ALL_NAMESPACES = '*';

/**
 * What this instance knows of the stored clear generations (`cache_generations`). A
 * namespace's generation is the `*` count plus its own; both only grow, so the sum
 * changes exactly when either does. A fill takes `of(namespace)` when it starts and may
 * write only while it is still current: here for L1, and in the table (which holds the
 * truth) for L2. Values come from the table (at start-up, after a listener reconnect,
 * after a write the table refused) and from other instances' clear messages.
 */
export class CacheGenerations {
  private readonly known = new Map<string, number>();

  of(namespace: string): number {
    return (this.known.get(ALL_NAMESPACES) ?? 0) + (this.known.get(namespace) ?? 0);
  }

  /** Whether a fill of `namespace` started under `generation` may still write. */
  current(namespace: string, generation: number): boolean {
    return this.of(namespace) === generation;
  }

  /**
   * Takes a stored value for a namespace (or `*`); true when it is newer than what was
   * known. Never goes back: a value read before a clear may arrive after its message.
   */
  adopt(scope: string, generation: number): boolean {
    if ((this.known.get(scope) ?? 0) >= generation) {
      return false;
    }
    this.known.set(scope, generation);
    return true;
  }

  /** Whether the table is known to hold the row of `scope` (rows are never deleted). */
  hasRow(scope: string): boolean {
    return this.known.has(scope);
  }

  /** Records that the rows a write of `namespace` locks exist. */
  rowsExist(namespace: string): void {
    for (const scope of [ALL_NAMESPACES, namespace]) {
      if (!this.known.has(scope)) {
        this.known.set(scope, 0);
      }
    }
  }
}
