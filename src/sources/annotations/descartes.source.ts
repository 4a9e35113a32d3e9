import { Injectable } from '@nestjs/common';

import { SourceToolkit } from '../base/source-toolkit.js';
import type { SourceRunContext } from '../base/upstream-source.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import {
  type AnnotationGene,
  type AnnotationOutcomes,
  AnnotationSource,
  PerRun,
} from './annotation-source.js';
import {
  DESCARTES_DATASET,
  descartesOutcome,
  type DescartesTable,
  parseDescartesTable,
} from './descartes-table.js';

/** The live paths, which the snapshot server serves under its `descartes` stand-in. */
const TABLES = `/data/bbi/descartes/${DESCARTES_DATASET}/tables`;

interface Tables {
  tpm: DescartesTable;
  percentage: DescartesTable;
}

/**
 * Fetal kidney expression from the Descartes human fetal gene atlas (Cao et al. 2020):
 * the kidney TPM table and the table of the fraction of kidney cells expressing each
 * gene, both headerless `symbol,value` CSVs of every gene (about 1 MB each). Each is
 * downloaded once per run, before any gene is annotated, and not kept in the response
 * cache (an error page answered as 200 would be kept with it), so an unusable file (a
 * 403 from the host's CDN, an error page) fails the run with nothing written. Genes are
 * matched by approved symbol, the only identifier the tables carry; a gene in neither
 * table has no data, a gene whose row is unusable fails. The version is the dataset,
 * `human_gtex`.
 */
@Injectable()
export class DescartesAnnotationSource extends AnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'descartes',
    namespace: 'descartes',
    displayName: 'Descartes',
    description: 'Fetal kidney single-cell expression: TPM and fraction of cells expressing',
    url: 'https://descartes.brotmanbaty.org',
    documentationUrl:
      'https://descartes.brotmanbaty.org/bbi/human-gene-expression-during-development/',
    mode: 'bulk',
    // With the other annotation sources, after HGNC; it needs only approved symbols.
    runOrder: 10,
    settings: (config) => config.sources.annotations.descartes,
  };
  private readonly tables = new PerRun<Tables>();

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  /** Reads both tables (the run fails here when one is unusable). */
  async version(ctx: SourceRunContext): Promise<string> {
    await this.load(ctx);
    return DESCARTES_DATASET;
  }

  async annotate(genes: AnnotationGene[], ctx: SourceRunContext): Promise<AnnotationOutcomes> {
    const { tpm, percentage } = await this.load(ctx);
    return new Map(genes.map((g) => [g.id, descartesOutcome(g, tpm, percentage)]));
  }

  override finish(): void {
    this.tables.release();
  }

  private load(ctx: SourceRunContext): Promise<Tables> {
    return this.tables.get(ctx.runId, async () => {
      const { tpmUrl, percentageUrl } = this.kit.config.sources.annotations.descartes;
      ctx.progress({ current: 'Descartes kidney TPM' });
      const tpm = await this.table(tpmUrl, 'tissue_tpm', 'kidney TPM', ctx);
      ctx.progress({ current: 'Descartes kidney percentage' });
      const percentage = await this.table(
        percentageUrl,
        'tissue_percentage',
        'kidney percentage',
        ctx,
      );
      for (const [what, t] of [
        ['kidney TPM', tpm],
        ['kidney percentage', percentage],
      ] as const) {
        if (t.bad.size > 0 || t.skipped > 0) {
          this.logger.warn(
            { rows: t.rows, unusable: t.bad.size, without_symbol: t.skipped },
            `Descartes ${what}: ${t.bad.size + t.skipped} of ${t.rows} rows unusable`,
          );
        }
      }
      return { tpm, percentage };
    });
  }

  private async table(
    live: string,
    folder: string,
    what: string,
    ctx: SourceRunContext,
  ): Promise<DescartesTable> {
    const url = this.upstream('descartes', live, `${TABLES}/${folder}/kidney.csv`);
    return parseDescartesTable(await this.text(url, { ttl: 0, signal: ctx.signal }), what);
  }
}
