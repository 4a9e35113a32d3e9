import { Injectable } from '@nestjs/common';

import { GeneSetsService } from '../../genes/gene-sets/gene-sets.service.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import type { SourceRunContext } from '../base/upstream-source.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import { textLines } from '../parsing/gzip-lines.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcomes,
  AnnotationSource,
  noData,
  PerRun,
} from './annotation-source.js';
import {
  reactomeAnnotation,
  type ReactomeIndex,
  ReactomeIndexer,
  reactomeLibrary,
} from './reactome-pathways.js';

/**
 * Reactome pathways of each gene, from NCBI2Reactome_All_Levels.txt (every pathway a gene
 * takes part in, from its lowest-level ones up to the top-level pathway), streamed once
 * per run before any row is stored. Human rows only; genes are matched by NCBI gene id
 * (from the HGNC annotation, hence after HGNC), with no symbol fallback since the file
 * names none; a gene without an NCBI id, or that the file does not list, has no data.
 * Reading the file also rebuilds the `Reactome` gene-set library. The file carries no
 * release, so the version is REACTOME_VERSION, the release the operator points at.
 */
@Injectable()
export class ReactomeAnnotationSource extends AnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'reactome',
    namespace: 'reactome',
    displayName: 'Reactome',
    description: 'Reactome pathways (all levels) of each gene',
    url: 'https://reactome.org',
    documentationUrl: 'https://reactome.org/download-data',
    mode: 'bulk',
    // After HGNC, whose NCBI gene ids it matches by.
    // In a group after the other annotation sources (20, not 10): every source run of a
    // group holds a pooled connection for its advisory lock, and the nine at 10 already
    // take nine of DB_POOL_SIZE's default ten.
    runOrder: 20,
    settings: (config) => config.sources.annotations.reactome,
  };
  private readonly file = new PerRun<ReactomeIndex>();

  constructor(
    kit: SourceToolkit,
    private readonly geneSets: GeneSetsService,
  ) {
    super(kit);
  }

  private get settings() {
    return this.kit.config.sources.annotations.reactome;
  }

  /** Reads the file and rebuilds the library (the run fails here when it is unusable). */
  async version(ctx: SourceRunContext): Promise<string> {
    await this.load(ctx);
    return this.settings.version;
  }

  async annotate(genes: AnnotationGene[], ctx: SourceRunContext): Promise<AnnotationOutcomes> {
    const index = await this.load(ctx);
    const version = this.settings.version;
    const outcomes: AnnotationOutcomes = new Map();
    for (const gene of genes) {
      const ncbi = gene.ncbi_gene_id;
      const pathways = ncbi ? index.byNcbi.get(ncbi) : undefined;
      outcomes.set(
        gene.id,
        ncbi && pathways
          ? annotated(reactomeAnnotation(gene.symbol, ncbi, pathways, index, version))
          : noData(
              ncbi
                ? `Reactome lists no human pathway for NCBI gene ${ncbi}`
                : `${gene.symbol} has no NCBI gene id to look up in Reactome`,
            ),
      );
    }
    return outcomes;
  }

  override finish(): void {
    this.file.release();
  }

  private load(ctx: SourceRunContext): Promise<ReactomeIndex> {
    return this.file.get(ctx.runId, async () => {
      ctx.progress({ current: 'Reactome NCBI2Reactome (all levels)' });
      const index = await this.stream(
        this.upstream(
          'reactome',
          this.settings.url,
          '/download/current/NCBI2Reactome_All_Levels.txt',
        ),
        async (body) => {
          const indexer = new ReactomeIndexer();
          await textLines(body, (lines) => indexer.push(lines));
          return indexer.finish();
        },
        { signal: ctx.signal },
      );
      this.logger.log(
        {
          rows: index.rows,
          other_species: index.otherSpecies,
          malformed: index.malformed,
          genes: index.byNcbi.size,
        },
        'Reactome NCBI2Reactome read',
      );
      const matcher = await this.geneSets.matcher();
      const stored = await this.geneSets.replaceLibrary(
        { name: 'Reactome', source: 'reactome', version: this.settings.version },
        reactomeLibrary(index, (ncbi) => matcher.byNcbi(ncbi)),
      );
      this.logger.log(
        {
          library: 'Reactome',
          terms: stored.terms,
          genes: stored.genes,
          local_genes: matcher.size,
        },
        'Reactome gene-set library written',
      );
      return index;
    });
  }
}
