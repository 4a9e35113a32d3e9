import { setTimeout as sleep } from 'node:timers/promises';

export interface DomainLimit {
  /** Requests per second started, across every source using the domain. */
  perSecond: number;
  /** Requests in flight at once. */
  concurrency: number;
}

/**
 * Spaces request starts evenly (1000 / perSecond ms apart) and caps concurrency. A slot
 * is held for one HTTP attempt only, never across a retry's back-off sleep.
 */
export class DomainLimiter {
  private nextStart = 0;
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  started = 0;

  constructor(readonly limit: DomainLimit) {}

  private get spacingMs(): number {
    // One extra millisecond keeps timer rounding from ever fitting an extra start in a window.
    return Math.ceil(1000 / this.limit.perSecond) + 1;
  }

  async acquire(): Promise<() => void> {
    if (this.inFlight >= this.limit.concurrency) {
      // The releasing request hands its slot over directly (inFlight stays counted).
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    } else {
      this.inFlight += 1;
    }
    const now = Date.now();
    const startAt = Math.max(now, this.nextStart);
    this.nextStart = startAt + this.spacingMs;
    if (startAt > now) await sleep(startAt - now);
    this.started += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.inFlight -= 1;
    };
  }

  get queued(): number {
    return this.waiters.length;
  }
}
