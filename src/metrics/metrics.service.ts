import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge } from 'prom-client';

import { SettingsService } from '../admin/settings/settings.service.js';
import { ServiceTokens } from '../auth/auth.module.js';
import { SYSTEM_LOG_SINK, type SystemLogSink } from '../logging/logging.module.js';
import { PipelineService } from '../pipeline/pipeline.service.js';
import { UpstreamHttp } from '../sources/upstream/upstream-http.service.js';
import { DatabasePoolRepository } from './database-pool.repository.js';
import { MetricsRegistry } from './metrics-registry.module.js';

export const METRICS_TOKEN_NAME = 'metrics';
const CIRCUIT_STATES = ['closed', 'open', 'half-open', 'isolated'];

/**
 * Serves the Prometheus registry of this instance and adds the series of modules that
 * do not register their own, read from their owners at scrape time (upstream health,
 * pool, log writer, pipeline runs). The cache and the HTTP edge register theirs with
 * MetricsRegistry themselves. Pipeline runs come from the shared database, so every
 * instance reports the same cluster-wide figures for them.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  /** Promise rejections nobody handled; the process logs them and keeps running. */
  readonly unhandledRejections = new Counter({
    name: 'kgdb_process_unhandled_rejections_total',
    help: 'Promise rejections no caller handled (logged at error level; the process keeps running)',
    registers: [this.registry],
  });

  constructor(
    private readonly registry: MetricsRegistry,
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
        for (const d of upstream.health()) {
          this.inc({ domain: d.domain }, d.requests);
        }
      },
    });
    new Counter({
      name: 'kgdb_upstream_errors_total',
      help: 'Failed upstream attempts per domain',
      labelNames: ['domain'],
      registers,
      collect() {
        this.reset();
        for (const d of upstream.health()) {
          this.inc({ domain: d.domain }, d.failures);
        }
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
          for (const state of CIRCUIT_STATES) {
            this.set({ domain: d.domain, state }, d.circuit === state ? 1 : 0);
          }
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
        for (const d of upstream.health()) {
          this.set({ domain: d.domain }, d.per_second);
        }
      },
    });
    new Gauge({
      name: 'kgdb_upstream_queued_requests',
      help: 'Requests waiting for a slot per domain',
      labelNames: ['domain'],
      registers,
      collect() {
        this.reset();
        for (const d of upstream.health()) {
          this.set({ domain: d.domain }, d.queued);
        }
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
        if (!p) {
          return;
        }
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
        for (const s of await stats()) {
          this.set({ status: s.status }, s.runs);
        }
      },
    });
    new Gauge({
      name: 'kgdb_pipeline_run_duration_seconds_sum',
      help: 'Summed duration of finished pipeline runs by status',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const s of await stats()) {
          this.set({ status: s.status }, s.seconds);
        }
      },
    });
    new Gauge({
      name: 'kgdb_pipeline_run_duration_seconds_max',
      help: 'Longest finished pipeline run by status',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const s of await stats()) {
          this.set({ status: s.status }, s.max_seconds);
        }
      },
    });
  }
}
