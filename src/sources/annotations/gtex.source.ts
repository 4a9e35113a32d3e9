import { Injectable } from '@nestjs/common';

import { SourceToolkit } from '../base/source-toolkit.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcome,
  type AnnotationOutcomes,
  BatchedAnnotationSource,
  failed,
  noData,
} from './annotation-source.js';

/** The GENCODE release each GTEx dataset was quantified against. */
const GENCODE_OF_DATASET: Record<string, string> = { gtex_v8: 'v26', gtex_v10: 'v39' };
const KIDNEY_TISSUES = { cortex: 'Kidney_Cortex', medulla: 'Kidney_Medulla' } as const;
/** Genes per request (repeated `geneId` / `gencodeId` parameters). */
const BATCH = 50;
const ITEMS_PER_PAGE = 1000;
const MAX_PAGES = 100;

interface Paged<T> {
  data?: T[];
  paging_info?: { numberOfPages?: number; page?: number };
}

interface ReferenceGene {
  gencodeId?: string;
  geneSymbol?: string;
}

interface MedianRow {
  tissueSiteDetailId?: string;
  gencodeId?: string;
  median?: unknown;
  unit?: string;
}

const hasData = (b: unknown): string | null =>
  Array.isArray((b as Paged<unknown>)?.data) ? null : 'no data list';

/** The stored expression of one gene from its median rows, or why they are unusable. */
export function gtexOutcome(
  symbol: string,
  gencodeId: string,
  dataset: string,
  rows: MedianRow[],
): AnnotationOutcome {
  if (rows.length === 0) {
    return noData(`GTEx has no median expression for ${gencodeId}`);
  }
  const tissues: Record<string, { median_tpm: number }> = {};
  for (const row of rows) {
    if (typeof row.tissueSiteDetailId !== 'string' || typeof row.median !== 'number') {
      return failed(`GTEx: malformed median row for ${gencodeId} (${JSON.stringify(row)})`);
    }
    tissues[row.tissueSiteDetailId] = { median_tpm: row.median };
  }
  const top = Object.entries(tissues).sort((a, b) => b[1].median_tpm - a[1].median_tpm)[0];
  return annotated({
    gene_symbol: symbol,
    gencode_id: gencodeId,
    dataset,
    unit: rows[0].unit ?? 'TPM',
    kidney: {
      cortex_tpm: tissues[KIDNEY_TISSUES.cortex]?.median_tpm ?? null,
      medulla_tpm: tissues[KIDNEY_TISSUES.medulla]?.median_tpm ?? null,
    },
    top_tissue: { tissue: top[0], median_tpm: top[1].median_tpm },
    tissue_count: rows.length,
    tissues,
  });
}

/**
 * GTEx median expression per tissue (kidney cortex and medulla highlighted): the
 * versioned GENCODE id of each gene from `reference/gene`, then
 * `expression/medianGeneExpression` for a batch of ids, paged. A gene GTEx does not know
 * has no data; a batch that fails is retried gene by gene. The version is the dataset
 * (GTEX_DATASET).
 */
@Injectable()
export class GtexAnnotationSource extends BatchedAnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'gtex',
    namespace: 'gtex',
    displayName: 'GTEx',
    description: 'Median expression per tissue, kidney cortex and medulla highlighted',
    url: 'https://gtexportal.org',
    documentationUrl: 'https://gtexportal.org/api/v2/redoc',
    mode: 'per-gene',
    // After HGNC, whose identifiers it queries by.
    runOrder: 10,
    settings: (config) => config.sources.annotations.gtex,
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  private get settings() {
    return this.kit.config.sources.annotations.gtex;
  }

  private get base(): string {
    return this.upstream('gtex', this.settings.url, '/api/v2');
  }

  version(): Promise<string> {
    return Promise.resolve(this.settings.dataset);
  }

  protected readonly batchSize = BATCH;

  protected async lookup(genes: AnnotationGene[]): Promise<AnnotationOutcomes> {
    const outcomes: AnnotationOutcomes = new Map();
    const keyOf = (g: AnnotationGene) => g.ensembl_gene_id ?? g.symbol;
    const gencode = GENCODE_OF_DATASET[this.settings.dataset] ?? 'v26';
    const reference = await this.pages<ReferenceGene>(
      `${this.base}/reference/gene?${genes.map((g) => `geneId=${encodeURIComponent(keyOf(g))}`).join('&')}&gencodeVersion=${gencode}`,
    );
    const gencodeOf = new Map<number, string>();
    for (const gene of genes) {
      const match = reference.find(
        (r) =>
          typeof r.gencodeId === 'string' &&
          (gene.ensembl_gene_id
            ? r.gencodeId.split('.')[0] === gene.ensembl_gene_id
            : r.geneSymbol?.toUpperCase() === gene.symbol.toUpperCase()),
      );
      if (match) {
        gencodeOf.set(gene.id, match.gencodeId!);
      } else {
        outcomes.set(gene.id, noData(`GTEx has no gene ${keyOf(gene)}`));
      }
    }
    if (gencodeOf.size === 0) {
      return outcomes;
    }
    const rows = await this.pages<MedianRow>(
      `${this.base}/expression/medianGeneExpression?${[...gencodeOf.values()].map((id) => `gencodeId=${encodeURIComponent(id)}`).join('&')}&datasetId=${this.settings.dataset}`,
      // About 54 rows per gene, read once per run: kept out of the cache.
      0,
    );
    for (const gene of genes) {
      const id = gencodeOf.get(gene.id);
      if (!id) {
        continue;
      }
      const own = rows.filter((r) => r.gencodeId === id);
      outcomes.set(gene.id, gtexOutcome(gene.symbol, id, this.settings.dataset, own));
    }
    return outcomes;
  }

  /** Every item of a paged answer (pages are 0-based); `ttl` 0 keeps bulky pages out of the cache. */
  private async pages<T>(url: string, ttl?: number): Promise<T[]> {
    const items: T[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.json<Paged<T>>(`${url}&page=${page}&itemsPerPage=${ITEMS_PER_PAGE}`, {
        validate: hasData,
        ttl,
      });
      items.push(...body.data!);
      if (page + 1 >= (body.paging_info?.numberOfPages ?? 1)) {
        break;
      }
    }
    return items;
  }
}
