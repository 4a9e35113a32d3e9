import { Injectable } from '@nestjs/common';

import { CacheService } from '../../cache/cache.service.js';
import { AppConfig } from '../../config/index.js';
import { PipelineService } from '../../pipeline/pipeline.service.js';
import type { SystemResponse } from './dto/system.dto.js';
import { SystemRepository } from './system.repository.js';

/** What an operator checks first on one instance: process, database, cache and queue. */
@Injectable()
export class SystemService {
  constructor(
    private readonly repository: SystemRepository,
    private readonly cache: CacheService,
    private readonly config: AppConfig,
    private readonly pipeline: PipelineService,
  ) {}

  async describe(): Promise<SystemResponse> {
    const [databaseBytes, tables, cacheStats, queue] = await Promise.all([
      this.repository.databaseBytes(),
      this.repository.tableSizes(25),
      this.cache.stats(),
      this.pipeline.queueDepth(),
    ]);
    const memory = process.memoryUsage();
    return {
      environment: this.config.env,
      uptime_seconds: Math.round(process.uptime()),
      memory: {
        rss_bytes: memory.rss,
        heap_used_bytes: memory.heapUsed,
        heap_total_bytes: memory.heapTotal,
        external_bytes: memory.external,
      },
      database: { size_bytes: databaseBytes, tables },
      cache: {
        l1: {
          entries: this.cache.l1.size,
          bytes: this.cache.l1.bytes,
          max_entries: this.cache.l1.maxEntries,
          max_bytes: this.cache.l1.maxBytes,
        },
        l2: {
          entries: cacheStats.stored?.total_entries ?? 0,
          bytes: cacheStats.stored?.total_bytes ?? 0,
        },
      },
      queue,
    };
  }
}
