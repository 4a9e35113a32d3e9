import { setTimeout as sleep } from 'node:timers/promises';

export interface DomainLimit {
  /** Requests per second started, across every source using the domain. */
  perSecond: number;
  /** Requests in flight at once. */
  concurrency: number;
}

/**
 * Books the next start slot for the domain among every instance: given the spacing,
 * how many milliseconds to wait before starting. Null when it cannot be asked (the
 * local spacing still applies).
 */
export type SlotBooker = (spacingMs: number) => Promise<number | null>;

/**
 * Spaces request starts evenly and caps concurrency. A slot is held for one HTTP attempt
 * only, never across a retry's back-off sleep. With a SlotBooker the spacing holds
 * across instances too.
 */
export class DomainLimiter {
  /** When the last request actually started (not when it was scheduled to). */
  private lastStart = Number.NEGATIVE_INFINITY;
  /** Starts are taken in turn: each waits for the one before it to have started. */
  private turn: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  started = 0;

  constructor(
    readonly limit: DomainLimit,
    private readonly book?: SlotBooker,
  ) {}

  /** A new rate applies from the next start on (a settings change). */
  setPerSecond(perSecond: number): void {
    this.limit.perSecond = perSecond;
  }

  private get spacingMs(): number {
    // 3% headroom: upstreams count arrivals, and a new connection or a busy event loop can
    // bring two arrivals a few milliseconds closer together than their starts were.
    return Math.ceil((1000 / this.limit.perSecond) * 1.03);
  }

  /**
   * Waits for a concurrency slot and the next start time, then returns the release. An
   * aborted `signal` ends the wait at once (rejecting with its reason) and gives the slot
   * back, so a paused or cancelled run starts nothing more.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.inFlight >= this.limit.concurrency) {
      // The releasing request hands its slot over directly (inFlight stays counted).
      await this.waitForSlot(signal);
    } else {
      this.inFlight += 1;
    }
    let released = false;
    const release = () => {
      if (released) {
        return;
      }
      released = true;
      const next = this.waiters.shift();
      if (next) {
        next();
      } else {
        this.inFlight -= 1;
      }
    };
    const mine = this.turn.then(async () => {
      const wait = this.lastStart + this.spacingMs - Date.now();
      if (wait > 0 && !signal?.aborted) {
        await sleep(wait, undefined, { signal }).catch(() => undefined);
      }
      // Other instances share the domain's limit: take the next slot they left free.
      const shared = this.book && !signal?.aborted ? await this.book(this.spacingMs) : null;
      if (shared !== null && shared > 0) {
        await sleep(shared, undefined, { signal }).catch(() => undefined);
      }
      if (!signal?.aborted) {
        this.lastStart = Date.now();
      }
    });
    this.turn = mine;
    await mine;
    if (signal?.aborted) {
      release();
      signal.throwIfAborted();
    }
    this.started += 1;
    return release;
  }

  private waitForSlot(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(handOver);
        if (i >= 0) {
          this.waiters.splice(i, 1);
        }
        const reason: unknown = signal!.reason;
        reject(reason instanceof Error ? reason : new DOMException('stopped', 'AbortError'));
      };
      const handOver = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(handOver);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get queued(): number {
    return this.waiters.length;
  }
}
