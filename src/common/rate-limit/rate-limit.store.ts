export interface Hit {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** When the current window (or block) ends, epoch ms. */
  resetAt: number;
  blocked: boolean;
}

interface Bucket {
  count: number;
  windowEnds: number;
  blockedUntil: number;
}

/**
 * Fixed-window counters in process memory, bounded in size and swept as they expire.
 * Per instance: behind a load balancer each instance enforces its own share.
 */
export class RateLimitStore {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly maxKeys = 100_000) {}

  hit(key: string, limit: number, windowMs: number, blockMs: number, now = Date.now()): Hit {
    let bucket = this.buckets.get(key);
    if (bucket && bucket.blockedUntil > now) {
      return { count: bucket.count, resetAt: bucket.blockedUntil, blocked: true };
    }
    if (!bucket || bucket.windowEnds <= now) {
      bucket = { count: 0, windowEnds: now + windowMs, blockedUntil: 0 };
      this.buckets.delete(key);
      this.buckets.set(key, bucket);
      this.evictOverflow();
    }
    bucket.count += 1;
    if (bucket.count > limit) {
      bucket.blockedUntil = Math.max(bucket.windowEnds, now + blockMs);
      return { count: bucket.count, resetAt: bucket.blockedUntil, blocked: true };
    }
    return { count: bucket.count, resetAt: bucket.windowEnds, blocked: false };
  }

  /** Drops buckets whose window and block have both ended. */
  sweep(now = Date.now()): number {
    let removed = 0;
    for (const [key, bucket] of this.buckets) {
      if (bucket.windowEnds <= now && bucket.blockedUntil <= now) {
        this.buckets.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  get size(): number {
    return this.buckets.size;
  }

  private evictOverflow(): void {
    // Map iteration is insertion order, so the first keys are the oldest windows.
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) {
        break;
      }
      this.buckets.delete(key);
    }
  }
}
