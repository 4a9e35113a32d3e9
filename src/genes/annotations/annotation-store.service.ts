import { Injectable } from '@nestjs/common';

import { CacheService } from '../../cache/cache.service.js';
import { ScoreRefresher } from '../scoring/score-refresher.service.js';
import {
  type AnnotationScope,
  type AnnotationSourceStats,
  AnnotationStoreRepository,
  type AnnotationTarget,
  type KidneyGene,
  type StoredAnnotation,
} from './annotation-store.repository.js';

export type {
  AnnotationScope,
  AnnotationSourceStats,
  AnnotationTarget,
  KidneyGene,
  StoredAnnotation,
};

export interface ChunkWrite {
  source: string;
  version: string;
  runId: string;
  stored: StoredAnnotation[];
  failed: { geneId: number; reason: string }[];
}

/**
 * The annotation rows of genes (`gene_annotations`, one per gene and source) and the
 * genes each source failed on (`annotation_failures`), for the annotation runner.
 */
@Injectable()
export class AnnotationStoreService {
  constructor(
    private readonly repository: AnnotationStoreRepository,
    private readonly cache: CacheService,
    private readonly scores: ScoreRefresher,
  ) {}

  /**
   * The kidney genes: those with an evidence score above zero, read once a pending score
   * refresh has finished (evidence stored just before an annotation run counts).
   */
  async kidneyGenes(): Promise<KidneyGene[]> {
    await this.scores.settled();
    return this.repository.kidneyGenes();
  }

  /** How many genes have an evidence score above zero, once a pending refresh has finished. */
  async scoredGeneCount(): Promise<number> {
    await this.scores.settled();
    return this.repository.scoredGeneCount();
  }

  /** Which of `names` (upper-case) are the approved symbol of some gene. */
  approvedSymbolsAmong(names: string[]): Promise<Set<string>> {
    return names.length === 0
      ? Promise.resolve(new Set())
      : this.repository.approvedSymbolsAmong(names);
  }

  targets(source: string, scope: AnnotationScope, geneIds?: number[]): Promise<AnnotationTarget[]> {
    return this.repository.targets(source, scope, geneIds ?? null);
  }

  /**
   * Stores one chunk in one transaction: rows upserted (their failures cleared) and
   * failures recorded. Returns how many rows were new. Cached annotation responses
   * are dropped afterwards.
   */
  async writeChunk(chunk: ChunkWrite): Promise<{ inserted: number }> {
    const written = await this.repository.transaction(async (manager) => {
      const n = await this.repository.upsert(
        manager,
        chunk.source,
        chunk.version,
        chunk.stored,
        chunk.runId,
      );
      await this.repository.recordFailures(manager, chunk.source, chunk.failed);
      // HGNC decides a gene's approved symbol, name, aliases and previous symbols.
      const renamed =
        chunk.source === 'hgnc'
          ? await this.repository.syncIdentityFromHgnc(
              manager,
              chunk.stored.filter((s) => s.status === 'data').map((s) => s.geneId),
            )
          : 0;
      return { n, renamed };
    });
    if (chunk.stored.length > 0) {
      await this.clearAnnotationReads();
    }
    if (written.renamed > 0) {
      // The score view carries each gene's symbol for sorting (gene_scores.approved_symbol).
      this.scores.markDirty();
      await this.cache.clearNamespaces(['genes', 'genes-meta']);
    }
    return { inserted: written.n };
  }

  async stats(): Promise<{ genes: number; sources: Map<string, AnnotationSourceStats> }> {
    const [genes, rows] = await Promise.all([this.repository.geneCount(), this.repository.stats()]);
    return { genes, sources: new Map(rows.map((r) => [r.source, r])) };
  }

  /** Genes with any annotation, and with both HGNC and gnomAD rows. */
  coverage(): Promise<{ genes_with_any: number; genes_with_hgnc_and_gnomad: number }> {
    return this.repository.coverage();
  }

  /** Data rows lacking what their source is read for (see the repository), first 100. */
  incompleteRows(source: string | null) {
    return this.repository.incompleteRows(source, 100);
  }

  /** Deletes annotation rows (of a source, of some genes, or all); cached answers are dropped. */
  async reset(source: string | null, geneIds: number[] | null) {
    const result = await this.repository.reset(source, geneIds);
    await this.clearAnnotationReads();
    return result;
  }

  /**
   * Stored STRING percentiles against the percent rank of each ppi_score among all
   * stored STRING rows: a row differs when off by more than rounding (0.0001).
   */
  async checkPpiPercentiles() {
    const rows = await this.repository.ppiPercentiles();
    const differing = rows
      .map((r) => ({
        gene_id: r.gene_id,
        gene_symbol: r.gene_symbol,
        stored: r.stored === null ? null : Number(r.stored),
        expected: Number(r.expected),
      }))
      .filter((r) => r.stored === null || Math.abs(r.stored - r.expected) > 1e-4);
    return { total: rows.length, differing };
  }

  /** Rewrites every STRING percentile that differs; cached annotation answers are dropped. */
  async refreshPpiPercentiles(): Promise<{ total: number; updated: number }> {
    const result = await this.repository.refreshPpiPercentiles();
    if (result.updated > 0) {
      await this.clearAnnotationReads();
    }
    return result;
  }

  /** Rebuilds the gene scores now (the original's "refresh view"). */
  refreshScores(): Promise<void> {
    return this.scores.refreshNow();
  }

  /**
   * Drops cached answers built from annotation rows: the annotation reads and the STRING
   * networks (network answers read the string_ppi rows and gene symbols).
   */
  private async clearAnnotationReads(): Promise<void> {
    await Promise.all([
      this.cache.clearNamespace('annotations'),
      this.cache.clearNamespace('network'),
    ]);
  }
}
