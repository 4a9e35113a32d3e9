import { Injectable } from '@nestjs/common';

import { mapLimit } from '../../common/map-limit.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcomes,
  AnnotationSource,
  failed,
  noData,
  reasonOf,
} from './annotation-source.js';
import { type ClinVarSummary, VariantTally } from './clinvar-tally.js';

/** esearch returns at most this many ids per call; more are paged with retstart. */
const ESEARCH_PAGE = 10_000;

interface ESearch {
  esearchresult?: { count?: string; idlist?: string[]; ERROR?: string };
}

interface ESummary {
  result?: { uids?: string[] } & Record<string, ClinVarSummary | string[] | undefined>;
}

interface EInfo {
  einforesult?: { dbinfo?: { lastupdate?: string }[] | { lastupdate?: string } };
}

/**
 * ClinVar through E-utilities on the NCBI domain (sharing its rate limit with PubTator):
 * per gene, `esearch` for the variation ids (`<symbol>[gene]`, paged past 10,000), then
 * `esummary` for the chunk's ids together in batches of at most 500, counted per gene.
 * A gene without variations has no data. The version is ClinVar's last update (einfo).
 */
@Injectable()
export class ClinVarAnnotationSource extends AnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'clinvar',
    namespace: 'clinvar',
    displayName: 'ClinVar',
    description: 'Variant counts per gene by clinical significance (E-utilities)',
    url: 'https://www.ncbi.nlm.nih.gov/clinvar/',
    documentationUrl: 'https://www.ncbi.nlm.nih.gov/books/NBK25501/',
    mode: 'per-gene',
    // After HGNC, whose identifiers it queries by.
    runOrder: 10,
    settings: (config) => config.sources.annotations.clinvar,
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  private get base(): string {
    return this.upstream('clinvar', this.kit.config.sources.annotations.clinvar.url, '');
  }

  async version(): Promise<string> {
    const body = await this.json<EInfo>(`${this.base}/einfo.fcgi?db=clinvar&retmode=json`, {
      ttl: 3600,
      validate: (b) => (lastUpdate(b as EInfo) ? null : 'no einforesult.dbinfo lastupdate'),
    });
    // "2025/05/06 09:32" → 2025-05-06
    return lastUpdate(body)!.slice(0, 10).replace(/\//g, '-');
  }

  async annotate(genes: AnnotationGene[]): Promise<AnnotationOutcomes> {
    const outcomes: AnnotationOutcomes = new Map();
    /** Variation id → the genes of this chunk it belongs to. */
    const owners = new Map<string, number[]>();
    const tallies = new Map<number, { tally: VariantTally; ids: number; seen: number }>();
    // A chunk runs to its end; the runner checks for cancellation between chunks.
    await mapLimit(genes, this.kit.config.upstream.concurrency, async (gene) => {
      try {
        const ids = await this.variationIds(gene.symbol);
        if (ids.length === 0) {
          outcomes.set(gene.id, noData(`ClinVar has no variations for ${gene.symbol}`));
          return;
        }
        tallies.set(gene.id, { tally: new VariantTally(), ids: ids.length, seen: 0 });
        for (const id of ids) {
          owners.set(id, [...(owners.get(id) ?? []), gene.id]);
        }
      } catch (error) {
        outcomes.set(gene.id, failed(reasonOf(error)));
      }
    });
    // Records are folded into each gene's tally as their batch arrives, never all held.
    const batchFailures = await this.summaries(
      [...owners.keys()],
      (id, record) => {
        for (const geneId of owners.get(id) ?? []) {
          const entry = tallies.get(geneId)!;
          entry.tally.add(record);
          entry.seen += 1;
        }
      },
      owners,
    );
    for (const gene of genes) {
      const entry = tallies.get(gene.id);
      if (!entry || outcomes.has(gene.id)) {
        continue;
      }
      const problem = batchFailures.get(gene.id);
      outcomes.set(
        gene.id,
        problem
          ? failed(problem)
          : annotated({
              ...entry.tally.result(gene.symbol),
              missing_summaries: entry.ids - entry.seen,
            }),
      );
    }
    return outcomes;
  }

  /** Every variation id of `<symbol>[gene]`. */
  private async variationIds(symbol: string): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; ; start += ESEARCH_PAGE) {
      const term = encodeURIComponent(`${symbol}[gene]`);
      const body = await this.json<ESearch>(
        `${this.base}/esearch.fcgi?db=clinvar&term=${term}&retmax=${ESEARCH_PAGE}&retstart=${start}&retmode=json`,
        { validate: validESearch },
      );
      const page = body.esearchresult!.idlist!;
      ids.push(...page);
      const count = Number(body.esearchresult!.count ?? page.length);
      if (page.length < ESEARCH_PAGE || ids.length >= count) {
        return ids;
      }
    }
  }

  /**
   * Fetches esummary records in batches, handing each usable record to `take`; returns
   * gene id → reason for the genes with ids in a batch that failed.
   */
  private async summaries(
    ids: string[],
    take: (id: string, record: ClinVarSummary) => void,
    owners: Map<string, number[]>,
  ): Promise<Map<number, string>> {
    const failures = new Map<number, string>();
    const size = this.kit.config.sources.annotations.clinvar.batchSize;
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += size) {
      batches.push(ids.slice(i, i + size));
    }
    await mapLimit(batches, this.kit.config.upstream.concurrency, async (batch) => {
      let reason: string;
      try {
        // Large and read once per run: not cached.
        const body = await this.json<ESummary>(
          `${this.base}/esummary.fcgi?db=clinvar&id=${batch.join(',')}&retmode=json`,
          { ttl: 0, validate: validESummary },
        );
        for (const id of batch) {
          const record = body.result![id];
          if (record && !Array.isArray(record) && !record.error) {
            take(id, record);
          }
        }
        return;
      } catch (error) {
        reason = `esummary: ${reasonOf(error)}`;
      }
      for (const id of batch) {
        for (const g of owners.get(id) ?? []) {
          failures.set(g, reason);
        }
      }
    });
    return failures;
  }
}

function lastUpdate(body: EInfo): string | null {
  const info = body?.einforesult?.dbinfo;
  const entry = Array.isArray(info) ? info[0] : info;
  return typeof entry?.lastupdate === 'string' && /^\d{4}\/\d{2}\/\d{2}/.test(entry.lastupdate)
    ? entry.lastupdate
    : null;
}

function validESearch(b: unknown): string | null {
  const r = (b as ESearch)?.esearchresult;
  if (r?.ERROR) {
    return `esearch error: ${r.ERROR}`;
  }
  return Array.isArray(r?.idlist) ? null : 'no esearchresult.idlist';
}

function validESummary(b: unknown): string | null {
  return Array.isArray((b as ESummary)?.result?.uids) ? null : 'no result.uids list';
}
