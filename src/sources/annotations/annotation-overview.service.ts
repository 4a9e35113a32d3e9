import { Injectable } from '@nestjs/common';

import { AppConfig } from '../../config/index.js';
import { AnnotationStoreService } from '../../genes/annotations/annotation-store.service.js';
import { SourceRunner } from '../runner/source-runner.service.js';
import type { AnnotationSourceStatus } from './dto/annotation-sources.dto.js';

const DAY_MS = 86_400_000;

/** What each annotation source holds: version, freshness, due date and gene coverage. */
@Injectable()
export class AnnotationOverviewService {
  constructor(
    private readonly runner: SourceRunner,
    private readonly store: AnnotationStoreService,
    private readonly config: AppConfig,
  ) {}

  async list(): Promise<AnnotationSourceStatus[]> {
    const { genes, sources } = await this.store.stats();
    const days = this.config.sources.annotations.updateDays;
    return this.runner.names('annotation').map((name) => {
      const source = this.runner.annotationSource(name);
      const stats = sources.get(name);
      const interval = days[name] ?? days.default ?? 30;
      const last = stats?.last_updated ? new Date(stats.last_updated) : null;
      const rows = stats?.rows ?? 0;
      const next = last ? new Date(last.getTime() + interval * DAY_MS).toISOString() : null;
      return {
        name,
        source_name: name,
        display_name: source.displayName,
        description: source.declaration.description,
        url: source.declaration.url,
        is_active: true,
        mode: source.mode,
        version: stats?.version ?? null,
        last_updated: last?.toISOString() ?? null,
        last_update: last?.toISOString() ?? null,
        update_interval_days: interval,
        update_frequency: `every ${interval} days`,
        next_update_due: next,
        next_update: next,
        genes_total: genes,
        genes_annotated: rows - (stats?.no_data ?? 0),
        no_data: stats?.no_data ?? 0,
        failed: stats?.failed ?? 0,
        coverage: genes > 0 ? Math.round((rows / genes) * 1000) / 1000 : 0,
        running_run_id: this.runner.activeRun(name),
      };
    });
  }
}
