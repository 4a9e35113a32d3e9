import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { UpstreamHttp } from '../annotation-sources/upstream/upstream-http.service.js';
import { SettingsService } from '../admin/settings/settings.service.js';
import { ServiceTokens } from '../auth/auth.module.js';
import { CacheService } from '../cache/cache.service.js';
// TEMPORARY (issue 19): the fast path moves to its own src/http/ module with a public surface.
// eslint-disable-next-line no-restricted-imports
import { ResponseFastPath } from '../cache/http-fast-path.js';
import { SYSTEM_LOG_SINK, type SystemLogSink } from '../logging/logging.module.js';
import { PipelineService } from '../pipeline/pipeline.service.js';
import { DatabasePoolRepository } from './database-pool.repository.js';
import { HttpMetrics } from './http-metrics.js';

export const METRICS_TOKEN_NAME = 'metrics';
const CIRCUIT_STATES = ['closed', 'open', 'half-open', 'isolated'];

/**
 * The Prometheus registry of this instance. Most series are read from their owners at
 * scrape time (cache counters, upstream health, pool, log writer, pipeline runs); HTTP
 * durations are observed per request. Pipeline runs come from the shared database, so
 * every instance reports the same cluster-wide figures for them.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  readonly http = new HttpMetrics(this.registry);
  /** Promise rejections nobody handled; the process logs them and keeps running. */
  readonly unhandledRejections = new Counter({
    name: 'kgdb_process_unhandled_rejections_total',
    help: 'Promise rejections no caller handled (logged at error level; the process keeps running)',
    registers: [this.registry],
  });

  constructor(
    private readonly cache: CacheService,
    private readonly fastPath: ResponseFastPath,
    private readonly upstream: UpstreamHttp,
    private readonly pipeline: PipelineService,
    private readonly settings: SettingsService,
    private readonly serviceTokens: ServiceTokens,
    @Inject(SYSTEM_LOG_SINK) private readonly sink: SystemLogSink,
    private readonly databasePool: DatabasePoolRepository,
  ) {}

  onModuleInit(): void {
    // The setting holds the token's digest (empty: no scraper token).
    this.serviceTokens.register(METRICS_TOKEN_NAME, () =>
      this.settings.value<string>('metrics.token'),
    );
    // Process metrics, among them event-loop delay (nodejs_eventloop_lag_*).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    this.cacheSeries();
    this.fastPathSeries();
    this.upstreamSeries();
    this.poolSeries();
    this.logWriterSeries();
    this.pipelineSeries();
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private fastPathSeries(): void {
    const fastPath = this.fastPath;
    new Counter({
      name: 'kgdb_http_fast_path_responses_total',
      help: 'Responses answered before routing: cached public GETs and liveness (also in the duration histogram)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(fastPath.served);
      },
    });
  }

  private cacheSeries(): void {
    const cache = this.cache;
    new Counter({
      name: 'kgdb_cache_lookups_total',
      help: 'Cache lookups by namespace, layer (l1 memory, l2 table) and result',
      labelNames: ['namespace', 'layer', 'result'],
      registers: [this.registry],
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
      registers: [this.registry],
      collect() {
        this.set({ kind: 'current' }, cache.l1.size);
        this.set({ kind: 'max' }, cache.l1.maxEntries);
      },
    });
    new Gauge({
      name: 'kgdb_cache_l1_bytes',
      help: 'Bytes in the in-memory cache (L1) and its bound',
      labelNames: ['kind'],
      registers: [this.registry],
      collect() {
        this.set({ kind: 'current' }, cache.l1.bytes);
        this.set({ kind: 'max' }, cache.l1.maxBytes);
      },
    });
  }

  private upstreamSeries(): void {
    const upstream = this.upstream;
    const registers = [this.registry];
    new Counter({
      name: 'kgdb_upstream_requests_total',
      help: 'Upstream requests per domain (rate-limit group)',
      labelNames: ['domain'],
      registers,
      collect() {
        this.reset();
        for (const d of upstream.health()) this.inc({ domain: d.domain }, d.requests);
      },
    });
    new Counter({
      name: 'kgdb_upstream_errors_total',
      help: 'Failed upstream attempts per domain',
      labelNames: ['domain'],
      registers,
      collect() {
        this.reset();
        for (const d of upstream.health()) this.inc({ domain: d.domain }, d.failures);
      },
    });
    new Gauge({
      name: 'kgdb_upstream_circuit_state',
      help: 'Circuit breaker state per domain: 1 for the current state',
      labelNames: ['domain', 'state'],
      registers,
      collect() {
        this.reset();
        for (const d of upstream.health()) {
          for (const state of CIRCUIT_STATES)
            this.set({ domain: d.domain, state }, d.circuit === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'kgdb_upstream_rate_limit_per_second',
      help: 'Configured request rate per domain',
      labelNames: ['domain'],
      registers,
      collect() {
        this.reset();
        for (const d of upstream.health()) this.set({ domain: d.domain }, d.per_second);
      },
    });
    new Gauge({
      name: 'kgdb_upstream_queued_requests',
      help: 'Requests waiting for a slot per domain',
      labelNames: ['domain'],
      registers,
      collect() {
        this.reset();
        for (const d of upstream.health()) this.set({ domain: d.domain }, d.queued);
      },
    });
  }

  private poolSeries(): void {
    const pool = () => this.databasePool.pool();
    new Gauge({
      name: 'kgdb_db_pool_connections',
      help: 'Database pool connections: total open, idle, callers waiting, configured max',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'total' }, p.totalCount);
        this.set({ state: 'idle' }, p.idleCount);
        this.set({ state: 'waiting' }, p.waitingCount);
        this.set({ state: 'max' }, p.options?.max ?? 0);
      },
    });
  }

  private logWriterSeries(): void {
    const stats = () => this.sink.stats;
    new Gauge({
      name: 'kgdb_log_writer_buffered_records',
      help: 'Log records waiting to be written to system_logs',
      registers: [this.registry],
      collect() {
        this.set(stats().buffered);
      },
    });
    new Counter({
      name: 'kgdb_log_writer_dropped_total',
      help: 'Log records dropped because the buffer was full or the database refused them',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(stats().dropped);
      },
    });
    new Counter({
      name: 'kgdb_log_writer_written_total',
      help: 'Log records written to system_logs',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(stats().written);
      },
    });
  }

  private pipelineSeries(): void {
    const pipeline = this.pipeline;
    const registers = [this.registry];
    // One query per scrape feeds the three gauges: the first collect reads, the others reuse.
    let latest: Promise<Awaited<ReturnType<PipelineService['runStats']>>> | null = null;
    const stats = () =>
      (latest ??= pipeline.runStats().finally(() => setImmediate(() => (latest = null))));
    new Gauge({
      name: 'kgdb_pipeline_runs',
      help: 'Pipeline runs by status (all instances: read from the shared database)',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const s of await stats()) this.set({ status: s.status }, s.runs);
      },
    });
    new Gauge({
      name: 'kgdb_pipeline_run_duration_seconds_sum',
      help: 'Summed duration of finished pipeline runs by status',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const s of await stats()) this.set({ status: s.status }, s.seconds);
      },
    });
    new Gauge({
      name: 'kgdb_pipeline_run_duration_seconds_max',
      help: 'Longest finished pipeline run by status',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const s of await stats()) this.set({ status: s.status }, s.max_seconds);
      },
    });
  }
}
