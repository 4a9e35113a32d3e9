/**
 * Which keys the L2 table may hold, as far as this instance knows: the rows there when it
 * started (or last resynchronised), its own writes, and the writes and deletes other
 * instances announce. A miss on a key the table cannot hold goes straight to the loader,
 * so an uncached read costs the loader's statements plus one write, not a lookup first.
 *
 * It is a hint, never the truth: a key wrongly taken as absent (an announcement not yet
 * arrived) costs one load that another instance already did, and the upsert then
 * replaces the row with an equal value; a key wrongly taken as present (a row purged by
 * another instance) costs one lookup that finds nothing. While the listener is down the
 * directory is unknown, and every miss reads the table as before. Past `maxKeys` it gives
 * up too (unknown) rather than grow without bound.
 */
export class L2Directory {
  /** Storage key to the time its row stops being usable (ms; null = never). */
  private keys: Map<string, number | null> | null = null;

  constructor(private readonly maxKeys: number) {}

  /** Whether the directory is known (false: every miss reads L2). */
  get known(): boolean {
    return this.keys !== null;
  }

  get size(): number {
    return this.keys?.size ?? 0;
  }

  /** False only when the table cannot hold a usable row for `key`. */
  mayHold(key: string, now: number): boolean {
    if (this.keys === null) {
      return true;
    }
    const until = this.keys.get(key);
    if (until === undefined) {
      return false;
    }
    if (until !== null && until <= now) {
      this.keys.delete(key);
      return false;
    }
    return true;
  }

  /** Starts over from the table's rows; more than `maxKeys` leaves it unknown. */
  load(rows: readonly { key: string; until: number | null }[]): void {
    if (rows.length > this.maxKeys) {
      this.keys = null;
      return;
    }
    this.keys = new Map(rows.map((r) => [r.key, r.until]));
  }

  /** Announcements may have been missed: unknown until the next `load`. */
  forget(): void {
    this.keys = null;
  }

  added(key: string, until: number | null): void {
    if (this.keys === null) {
      return;
    }
    this.keys.set(key, until);
    if (this.keys.size > this.maxKeys) {
      this.keys = null;
    }
  }

  removed(key: string): void {
    this.keys?.delete(key);
  }

  /** Storage keys are `<namespace>:<64 hex digits>`. */
  removeNamespace(namespace: string): void {
    if (this.keys === null) {
      return;
    }
    for (const key of this.keys.keys()) {
      if (key.length === namespace.length + 65 && key.startsWith(`${namespace}:`)) {
        this.keys.delete(key);
      }
    }
  }

  removeAll(): void {
    this.keys?.clear();
  }

  /** Drops keys whose rows are past their stale window; returns how many. */
  sweep(now: number): number {
    if (this.keys === null) {
      return 0;
    }
    let dropped = 0;
    for (const [key, until] of this.keys) {
      if (until !== null && until <= now) {
        this.keys.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }
}
