import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics-registry.module.js';
import { CacheService } from './cache.service.js';

/** Registers the cache's series (lookups per layer, L1 size), read at scrape time. */
@Injectable()
export class CacheMetrics implements OnModuleInit {
  constructor(
    private readonly registry: MetricsRegistry,
    private readonly cache: CacheService,
  ) {}

  onModuleInit(): void {
    const cache = this.cache;
    const registers = [this.registry];
    new Counter({
      name: 'kgdb_cache_lookups_total',
      help: 'Cache lookups by namespace, layer (l1 memory, l2 table) and result',
      labelNames: ['namespace', 'layer', 'result'],
      registers,
      collect() {
        this.reset();
        for (const namespace of cache.counters.namespaces()) {
          const c = cache.counters.report(namespace);
          this.inc({ namespace, layer: 'l1', result: 'hit' }, c.hits_l1);
          this.inc({ namespace, layer: 'l1', result: 'miss' }, c.hits_l2 + c.misses);
          this.inc({ namespace, layer: 'l2', result: 'hit' }, c.hits_l2);
          this.inc({ namespace, layer: 'l2', result: 'miss' }, c.misses);
        }
      },
    });
    new Gauge({
      name: 'kgdb_cache_l1_entries',
      help: 'Entries in the in-memory cache (L1) and its bound',
      labelNames: ['kind'],
      registers,
      collect() {
        this.set({ kind: 'current' }, cache.l1.size);
        this.set({ kind: 'max' }, cache.l1.maxEntries);
      },
    });
    new Gauge({
      name: 'kgdb_cache_l1_bytes',
      help: 'Bytes in the in-memory cache (L1) and its bound',
      labelNames: ['kind'],
      registers,
      collect() {
        this.set({ kind: 'current' }, cache.l1.bytes);
        this.set({ kind: 'max' }, cache.l1.maxBytes);
      },
    });
  }
}
