import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import cronParser from 'cron-parser';

import { ConflictError, NotFoundError } from '../../common/errors/index.js';
import { AppConfig } from '../../config/index.js';
import { SourceRegistryService } from '../../genes/registry/source-registry.service.js';
import { PipelineService } from '../../pipeline/pipeline.service.js';
import { SourceRunner } from '../../sources/runner/source-runner.service.js';
import { UpstreamHttp } from '../../sources/upstream/upstream-http.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { type DefinedSource, definedSources } from './defined-sources.js';
import type { AdminDataSource, OrphanSource, UpstreamDomainHealth } from './dto/datasources.dto.js';
import { configUrls, sourceConfig } from './source-config.js';

/**
 * Keeps `data_sources` in step with the sources the code defines: registers them at
 * startup, reports rows nothing defines (orphans) without deleting them, and gives
 * operators one view of every source with its config, runs and upstream health.
 */
@Injectable()
export class SourceAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SourceAdminService.name);

  constructor(
    private readonly repository: SourceRegistryService,
    private readonly runner: SourceRunner,
    private readonly pipeline: PipelineService,
    private readonly upstream: UpstreamHttp,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const orphans = await this.repository.register(this.defined());
    if (orphans.length > 0) {
      // One line per start: a source that is only disabled must keep its history, so an
      // operator decides (DELETE /api/admin/datasources/orphans/:name).
      this.logger.warn(
        { orphans },
        `data_sources holds ${orphans.length} source(s) no code defines: ${orphans.join(', ')}`,
      );
    }
  }

  defined(): DefinedSource[] {
    return definedSources(this.runner.declarations());
  }

  private definedNames(): string[] {
    return this.defined().map((s) => s.name);
  }

  async orphans(): Promise<OrphanSource[]> {
    const rows = await this.repository.orphans(this.definedNames());
    const runs = await this.pipeline.lastActivity(rows.map((r) => r.name));
    const latest = (...dates: (Date | string | null | undefined)[]) => {
      const times = dates.filter((d) => d != null).map((d) => new Date(d).getTime());
      return times.length > 0 ? new Date(Math.max(...times)).toISOString() : null;
    };
    return rows.map((r) => ({
      name: r.name,
      display_name: r.display_name,
      category: r.category,
      status: r.status,
      evidence_count: r.evidence_count,
      last_activity: latest(r.last_activity, runs[r.name]),
    }));
  }

  async removeOrphan(name: string): Promise<void> {
    if (this.definedNames().some((n) => n.toLowerCase() === name.toLowerCase())) {
      throw new ConflictError(`${name} is defined by the code; only orphans can be removed`);
    }
    const removed = await this.repository.remove(name);
    if (!removed) {
      throw new NotFoundError(`No data source ${name}`);
    }
    this.logger.log({ source: name, ...removed }, 'orphaned data source removed with its evidence');
  }

  async list(): Promise<AdminDataSource[]> {
    const [rows, status] = await Promise.all([
      this.repository.list(),
      this.pipeline.sourceStatus(),
    ]);
    const runs = new Map(status.map((s) => [s.source as string, s]));
    const defined = new Set(this.definedNames());
    const health = this.upstream.health();
    return rows.map((row) => {
      const config = sourceConfig(
        row.name,
        this.config,
        this.schedules(),
        this.runner.declarations(),
      );
      const run = runs.get(row.name);
      return {
        name: row.name,
        display_name: row.display_name,
        description: row.description,
        category: row.category,
        status: row.status,
        defined: defined.has(row.name),
        url: row.url,
        config,
        last_run: (run?.last as Record<string, unknown> | null | undefined) ?? null,
        active_run_id: (run?.active_run_id as string | null | undefined) ?? null,
        next_run_at: this.nextRun(row.name),
        upstream: this.domainHealth(config, health),
      };
    });
  }

  /** The schedules in effect (setting `pipeline.schedules`, else PIPELINE_SCHEDULES). */
  private schedules(): Readonly<Record<string, string>> {
    return (
      this.settings.value<Record<string, string> | undefined>('pipeline.schedules') ??
      this.config.pipeline.schedules
    );
  }

  private nextRun(name: string): string | null {
    const cron = this.schedules()[name];
    if (!cron) {
      return null;
    }
    try {
      return cronParser.parseExpression(cron, { tz: 'UTC' }).next().toDate().toISOString();
    } catch {
      return null;
    }
  }

  private domainHealth(
    config: Record<string, unknown>,
    health: ReturnType<UpstreamHttp['health']>,
  ): UpstreamDomainHealth[] {
    const groups = new Set<string>();
    for (const url of configUrls(config)) {
      try {
        groups.add(this.upstream.groupFor(new URL(url).hostname));
      } catch {
        // not a URL after masking; nothing to match
      }
    }
    return [...groups].map((domain) => {
      const h = health.find((d) => d.domain === domain);
      return {
        domain,
        circuit: h?.circuit ?? 'closed',
        requests: h?.requests ?? 0,
        failures: h?.failures ?? 0,
        error_rate: h && h.requests > 0 ? Math.round((h.failures / h.requests) * 1000) / 1000 : 0,
        per_second: h?.per_second ?? this.upstream.rateFor(domain),
      };
    });
  }
}
