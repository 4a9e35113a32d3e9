import { Injectable, type OnModuleInit, type PipeTransform, type Type } from '@nestjs/common';

import { CacheWarmerRegistry } from '../cache/cache.module.js';
import { CacheService } from '../cache/cache.service.js';
import { createValidationPipe } from '../common/pipes/validation.pipe.js';
import { AppConfig } from '../config/index.js';
import { warmCachedResponse } from '../http/http-cache.interceptor.js';
import { ListGenesQuery } from './dto/list-genes.query.js';
import { ScoreFiltersQuery } from './dto/score-filters.query.js';
import { OverlapsQuery } from './dto/statistics.dto.js';
import { GenesService } from './genes.service.js';
import { filterOf } from './statistics.controller.js';
import { StatisticsService } from './statistics.service.js';

/** The first pages of the gene list that clients open: the default sort, with and without zero scores. */
const GENE_LIST_URLS = ['/api/genes', '/api/genes?filter[hide_zero_scores]=false'];
const GENE_PAGE_MAX = 100;

/**
 * Registers the genes module's cache warmers: they answer the public read routes' URLs
 * through the same services and query DTOs as the routed requests and store the bodies
 * under the response cache's keys (warmCachedResponse), so those requests are HITs.
 * `genes`: the list's first pages and the detail and evidence pages of the
 * CACHE_WARM_TOP_GENES highest-scored genes; `statistics`: the statistics routes and the
 * public data-source list.
 */
@Injectable()
export class GenesCacheWarming implements OnModuleInit {
  private readonly pipe: PipeTransform = createValidationPipe();

  constructor(
    private readonly registry: CacheWarmerRegistry,
    private readonly cache: CacheService,
    private readonly genes: GenesService,
    private readonly statistics: StatisticsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'genes',
      description: `Gene list first pages, detail and evidence of the top ${this.config.cache.warmTopGenes} genes`,
      warm: () => this.warmGenes(),
    });
    this.registry.register({
      name: 'statistics',
      description: 'Statistics summary, overlaps, distributions, composition; data-source list',
      warm: () => this.warmStatistics(),
    });
  }

  private async warmGenes(): Promise<number> {
    let entries = 0;
    for (const url of GENE_LIST_URLS) {
      await this.put(url, 'genes', await this.list(url));
      entries += 1;
    }
    for (const symbol of await this.topSymbols(this.config.cache.warmTopGenes)) {
      const path = `/api/genes/${encodeURIComponent(symbol)}`;
      await this.put(path, 'genes', await this.genes.detail(symbol));
      await this.put(`${path}/evidence`, 'genes', await this.genes.evidence(symbol));
      entries += 2;
    }
    return entries;
  }

  private async warmStatistics(): Promise<number> {
    const filters = async (url: string) => filterOf(await this.queryDto(ScoreFiltersQuery, url));
    const overlaps = await this.queryDto(OverlapsQuery, '/api/statistics/source-overlaps');
    const bodies: [string, unknown][] = [
      [
        '/api/statistics/summary',
        await this.statistics.summary(await filters('/api/statistics/summary')),
      ],
      [
        '/api/statistics/source-overlaps',
        await this.statistics.overlaps(filterOf(overlaps), overlaps.sources, overlaps.detail),
      ],
      [
        '/api/statistics/source-distributions',
        await this.statistics.distributions(await filters('/api/statistics/source-distributions')),
      ],
      [
        '/api/statistics/evidence-composition',
        await this.statistics.composition(await filters('/api/statistics/evidence-composition')),
      ],
      ['/api/datasources', await this.statistics.dataSources()],
    ];
    for (const [url, body] of bodies) {
      await this.put(url, 'statistics', body);
    }
    return bodies.length;
  }

  /** Approved symbols of the `count` genes first in the list's default order (highest score). */
  private async topSymbols(count: number): Promise<string[]> {
    const symbols: string[] = [];
    for (let page = 1; symbols.length < count; page++) {
      const size = Math.min(GENE_PAGE_MAX, count);
      const url = `/api/genes?page[number]=${page}&page[size]=${size}`;
      const { data } = await this.list(url);
      symbols.push(...data.map((g) => g.attributes.approved_symbol));
      if (data.length < size) {
        break;
      }
    }
    return symbols.slice(0, count);
  }

  private async list(url: string) {
    const [path, search = ''] = url.split('?');
    return this.genes.list(await this.queryDto(ListGenesQuery, url), path, search);
  }

  /** The query DTO the routed request gets: the same parameters through the same pipe. */
  private async queryDto<T>(type: Type<T>, url: string): Promise<T> {
    const plain = Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? ''));
    return (await this.pipe.transform(plain, { type: 'query', metatype: type })) as T;
  }

  private put(url: string, namespace: string, body: unknown): Promise<void> {
    return warmCachedResponse(this.cache, url, namespace, body);
  }
}
