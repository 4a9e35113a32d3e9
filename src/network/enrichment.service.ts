import { Injectable } from '@nestjs/common';

import { CacheService } from '../cache/cache.service.js';
import { AppConfig } from '../config/index.js';
import { GeneSetsService } from '../genes/gene-sets/gene-sets.service.js';
import type { GeneSetLibraryInfo } from '../genes/gene-sets/gene-sets.types.js';
import type { GoEnrichmentRequest, HpoEnrichmentRequest } from './dto/network.request.js';
import type {
  EnrichmentResponse,
  GeneSetLibrariesResponse,
  GeneSetLibraryResponse,
  GoEnrichmentResponse,
} from './dto/network.response.js';
import { GENE_SET_LIBRARIES, HPO_LIBRARY } from './enrichment/gene-set-names.js';
import { LibraryIndex } from './enrichment/library-index.js';
import { LibraryNotLoadedError } from './network.error.js';
import { NetworkRepository } from './network.repository.js';
import { distinctSorted, NETWORK_CACHE_NAMESPACE } from './network.service.js';

/** The annotation source that writes each library (named in the 503). */
const WRITER: Record<string, string> = {
  HPO: 'hpo_phenotypes',
  GO_BP: 'go',
  GO_MF: 'go',
  GO_CC: 'go',
  Reactome: 'reactome',
};

const libraryResponse = (info: GeneSetLibraryInfo): GeneSetLibraryResponse => ({
  name: info.name,
  source: info.source,
  version: info.version,
  term_count: info.termCount,
  gene_count: info.geneCount,
  loaded_at: info.loadedAt.toISOString(),
});

/**
 * Enrichment of a gene set against a stored gene-set library, computed here: no
 * third-party call per request. Each library is held in memory as a LibraryIndex and
 * reloaded when its row says it was replaced; answers are cached per request and library
 * load, so a reloaded library is never answered from the old one's cache.
 */
@Injectable()
export class EnrichmentService {
  private readonly held = new Map<string, { loadedAt: number; index: Promise<LibraryIndex> }>();

  constructor(
    private readonly geneSets: GeneSetsService,
    private readonly repository: NetworkRepository,
    private readonly cache: CacheService,
    private readonly config: AppConfig,
  ) {}

  async libraries(): Promise<GeneSetLibrariesResponse> {
    return {
      libraries: (await this.geneSets.libraries()).map(libraryResponse),
      gene_sets: { ...GENE_SET_LIBRARIES },
    };
  }

  hpo(req: HpoEnrichmentRequest): Promise<EnrichmentResponse> {
    return this.enrich(HPO_LIBRARY, req.cluster_genes, req.background_genes, req.fdr_threshold);
  }

  async go(req: GoEnrichmentRequest): Promise<GoEnrichmentResponse> {
    const library = GENE_SET_LIBRARIES[req.gene_set as keyof typeof GENE_SET_LIBRARIES];
    const answer = await this.enrich(
      library,
      req.cluster_genes,
      req.background_genes,
      req.fdr_threshold,
    );
    return { ...answer, gene_set: req.gene_set };
  }

  private async enrich(
    name: string,
    clusterGenes: readonly number[],
    background: readonly number[] | null,
    fdrThreshold: number,
  ): Promise<EnrichmentResponse> {
    const info = await this.geneSets.library(name);
    if (!info) {
      throw new LibraryNotLoadedError(name, WRITER[name] ?? name);
    }
    const { enrichmentMinOverlap: minOverlap, enrichmentMaxResults: maxResults } =
      this.config.network;
    const query = distinctSorted(clusterGenes);
    const bg = background ? distinctSorted(background) : null;
    const key = {
      op: 'enrich',
      library: name,
      loaded: info.loadedAt.toISOString(),
      query,
      bg,
      fdrThreshold,
      minOverlap,
      maxResults,
    };
    return this.cache.wrap(
      key,
      async () => {
        const [index, symbols] = await Promise.all([
          this.index(info),
          this.repository.symbols(query),
        ]);
        const e = index.enrich(query, {
          background: bg,
          minOverlap,
          fdrThreshold,
          maxResults,
          symbolOf: (id) => symbols.get(id) ?? `Gene_${id}`,
        });
        return {
          results: e.results,
          total_terms: e.significant,
          tested_terms: e.tested,
          cluster_size: query.length,
          genes_in_universe: e.queryInUniverse,
          universe_size: e.universe,
          min_overlap: minOverlap,
          fdr_threshold: fdrThreshold,
          library: libraryResponse(info),
        };
      },
      NETWORK_CACHE_NAMESPACE,
    );
  }

  /** The library's index, loaded once per library load (concurrent callers share it). */
  private index(info: GeneSetLibraryInfo): Promise<LibraryIndex> {
    const loadedAt = info.loadedAt.getTime();
    const held = this.held.get(info.name);
    if (held && held.loadedAt === loadedAt) {
      return held.index;
    }
    const index = this.geneSets.terms(info.name).then((terms) => new LibraryIndex(terms));
    this.held.set(info.name, { loadedAt, index });
    index.catch(() => this.held.delete(info.name));
    return index;
  }
}
