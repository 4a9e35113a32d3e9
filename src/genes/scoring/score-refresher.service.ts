import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

import { CacheService } from '../../cache/cache.service.js';
import { runInBackground } from '../../common/background.js';
import { GeneScoresRepository } from './gene-scores.repository.js';

const DEBOUNCE_MS = 250;

export interface RefreshInfo {
  refreshed_at: string | null;
  duration_ms: number | null;
  refreshes: number;
  pending: boolean;
}

/**
 * Keeps `gene_scores` fresh: every evidence change marks it dirty; a debounced
 * `REFRESH MATERIALIZED VIEW CONCURRENTLY` of `gene_scores` and `gene_scores_facets`
 * follows (reads are never blocked), then a VACUUM (ANALYZE) of the scores, one at a
 * time, and the gene and statistics caches are cleared together after each refresh.
 */
@Injectable()
export class ScoreRefresher implements OnApplicationShutdown {
  private readonly logger = new Logger(ScoreRefresher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private dirty = false;
  private readonly listeners: { name: string; run: () => Promise<unknown> }[] = [];
  private info: RefreshInfo = {
    refreshed_at: null,
    duration_ms: null,
    refreshes: 0,
    pending: false,
  };

  constructor(
    private readonly scores: GeneScoresRepository,
    private readonly cache: CacheService,
  ) {}

  /**
   * Work to do after every refresh, once the caches are cleared: the owners of dataset-wide
   * aggregates recompute them here, so the first read after a refresh finds them ready.
   */
  onRefreshed(name: string, run: () => Promise<unknown>): void {
    this.listeners.push({ name, run });
  }

  /** Schedules a refresh shortly; many changes in a burst cause one refresh. */
  markDirty(): void {
    this.dirty = true;
    this.info.pending = true;
    if (this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      runInBackground(this.logger, 'gene score refresh', () => this.refreshNow());
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Refreshes now (or waits for the running refresh and runs again if still dirty). */
  async refreshNow(): Promise<void> {
    this.dirty = true;
    while (this.dirty) {
      if (this.running) {
        await this.running;
        continue;
      }
      this.dirty = false;
      this.running = this.refresh().finally(() => (this.running = undefined));
      await this.running;
    }
  }

  /** Resolves once no refresh is scheduled or running. */
  async settled(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.refreshNow();
    }
    while (this.running) {
      await this.running;
    }
  }

  status(): RefreshInfo {
    return { ...this.info };
  }

  private async refresh(): Promise<void> {
    const started = performance.now();
    await this.scores.refresh();
    const duration = Math.round(performance.now() - started);
    this.info = {
      refreshed_at: new Date().toISOString(),
      duration_ms: duration,
      refreshes: this.info.refreshes + 1,
      pending: this.dirty || this.timer !== undefined,
    };
    // Together: a gene list page holds totals kept in genes-meta (see clearNamespaces).
    await this.cache.clearNamespaces(['genes', 'genes-meta', 'statistics']);
    this.logger.log({ duration_ms: duration }, 'gene scores refreshed');
    for (const listener of this.listeners) {
      runInBackground(this.logger, listener.name, listener.run);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = undefined;
    await this.running;
  }
}
