import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge } from 'prom-client';

import { SettingsService } from '../admin/settings/settings.service.js';
import { ServiceTokens } from '../auth/auth.module.js';
import { isDatabaseUnavailable } from '../common/errors/index.js';
import { DatabasePoolRepository } from '../database/database-pool.repository.js';
import { SYSTEM_LOG_SINK, type SystemLogSink } from '../logging/logging.module.js';
import { PipelineService } from '../pipeline/pipeline.service.js';
import { UpstreamHttp } from '../sources/upstream/upstream-http.service.js';
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

  /**
   * Pipeline runs come from the database. While it cannot answer, these series are left
   * out of the scrape (not reported as zeros, which would be false) and
   * `kgdb_pipeline_stats_up` says 0, so the scrape itself still succeeds.
   */
  private pipelineSeries(): void {
    const pipeline = this.pipeline;
    const registers = [this.registry];
    type RunStats = Awaited<ReturnType<PipelineService['runStats']>>;
    // One query per scrape feeds the gauges: the first collect reads, the others reuse.
    let latest: Promise<RunStats | null> | null = null;
    const stats = () =>
      (latest ??= pipeline
        .runStats()
        .catch((error: unknown) => {
          if (!isDatabaseUnavailable(error)) {
            throw error;
          }
          return null;
        })
        .finally(() => setImmediate(() => (latest = null))));
    new Gauge({
      name: 'kgdb_pipeline_stats_up',
      help: 'Whether the pipeline run series could be read from the database at this scrape (0: left out)',
      registers,
      async collect() {
        this.set((await stats()) === null ? 0 : 1);
      },
    });
    const series = (name: string, help: string, value: (s: RunStats[number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['status'],
        registers,
        async collect() {
          this.reset();
          for (const s of (await stats()) ?? []) {
            this.set({ status: s.status }, value(s));
          }
        },
      });
    series(
      'kgdb_pipeline_runs',
      'Pipeline runs by status (all instances: read from the shared database)',
      (s) => s.runs,
    );
    series(
      'kgdb_pipeline_run_duration_seconds_sum',
      'Summed duration of finished pipeline runs by status',
      (s) => s.seconds,
    );
    series(
      'kgdb_pipeline_run_duration_seconds_max',
      'Longest finished pipeline run by status',
      (s) => s.max_seconds,
    );
  }
}
