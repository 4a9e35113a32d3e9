import { Injectable } from '@nestjs/common';

export interface WarmOptions {
  forceRefresh: boolean;
}

export interface CacheWarmer {
  /** The source name clients pass to POST /api/admin/cache/warm. */
  name: string;
  description: string;
  /** Preloads the source's data into the cache; resolves with the entries written. */
  warm(options: WarmOptions): Promise<number>;
}

/** Sources register how to preload themselves; the admin warm endpoint runs them. */
@Injectable()
export class CacheWarmerRegistry {
  private readonly warmers = new Map<string, CacheWarmer>();

  register(warmer: CacheWarmer): void {
    if (this.warmers.has(warmer.name)) {
      throw new Error(`cache warmer ${warmer.name} already registered`);
    }
    this.warmers.set(warmer.name, warmer);
  }

  get(name: string): CacheWarmer | undefined {
    return this.warmers.get(name);
  }

  names(): string[] {
    return [...this.warmers.keys()].sort();
  }
}
