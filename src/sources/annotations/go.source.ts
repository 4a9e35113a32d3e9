import { Injectable } from '@nestjs/common';

import { GeneSetsService } from '../../genes/gene-sets/gene-sets.service.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import type { SourceRunContext } from '../base/upstream-source.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import { gunzipLines } from '../parsing/gzip-lines.js';
import { UpstreamPayloadError } from '../upstream/upstream.errors.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcomes,
  AnnotationSource,
  noData,
  PerRun,
} from './annotation-source.js';
import {
  type GafIndex,
  GafIndexer,
  goAnnotation,
  goLibraries,
  GoOntology,
} from './go-annotations.js';

/**
 * Gene Ontology annotations of each gene: the human GO annotation file (GAF 2.2, gzip,
 * streamed line by line; NOT rows skipped) and the go-basic ontology (obographs JSON),
 * both read once per run before any row is stored, so an unusable file fails the run
 * with nothing written. Genes are matched by the GAF's DB Object Symbol (the file has no
 * NCBI or HGNC ids); a gene the GAF does not list has no data. Each gene stores its
 * direct terms per aspect with evidence codes. Reading the files also rebuilds the
 * GO_BP, GO_MF and GO_CC gene-set libraries over every local gene, each term holding the
 * genes annotated to it or to a term below it (is_a and part_of). The version is the
 * ontology release.
 */
@Injectable()
export class GoAnnotationSource extends AnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'go',
    namespace: 'go',
    displayName: 'Gene Ontology',
    description: 'GO biological process, molecular function and cellular component terms',
    url: 'https://geneontology.org',
    documentationUrl: 'https://geneontology.org/docs/go-annotation-file-gaf-format-2.2/',
    mode: 'bulk',
    // After HGNC: the libraries are built over the genes with their approved symbols.
    // In a group after the other annotation sources (20, not 10): every source run of a
    // group holds a pooled connection for its advisory lock, and the nine at 10 already
    // take nine of DB_POOL_SIZE's default ten.
    runOrder: 20,
    settings: (config) => config.sources.annotations.go,
  };
  private readonly files = new PerRun<{ ontology: GoOntology; gaf: GafIndex }>();

  constructor(
    kit: SourceToolkit,
    private readonly geneSets: GeneSetsService,
  ) {
    super(kit);
  }

  /** Reads both files and rebuilds the libraries (the run fails here when one is unusable). */
  async version(ctx: SourceRunContext): Promise<string> {
    return (await this.load(ctx)).ontology.version;
  }

  async annotate(genes: AnnotationGene[], ctx: SourceRunContext): Promise<AnnotationOutcomes> {
    const { ontology, gaf } = await this.load(ctx);
    const outcomes: AnnotationOutcomes = new Map();
    for (const gene of genes) {
      const found = gaf.bySymbol.get(gene.symbol.toUpperCase());
      outcomes.set(
        gene.id,
        found
          ? annotated(goAnnotation(found, ontology))
          : noData(`the GO annotation file lists no terms for ${gene.symbol}`),
      );
    }
    return outcomes;
  }

  override finish(): void {
    this.files.release();
  }

  private load(ctx: SourceRunContext) {
    return this.files.get(ctx.runId, async () => {
      const { annotationsUrl, ontologyUrl } = this.kit.config.sources.annotations.go;
      ctx.progress({ current: 'GO ontology' });
      // Tens of MB: never cached, parsed once per run.
      const ontology = new GoOntology(
        await this.text(this.upstream('go', ontologyUrl, '/ontology/go-basic.json'), {
          ttl: 0,
          signal: ctx.signal,
        }),
      );
      ctx.progress({ current: 'GO annotations (GAF)' });
      const gaf = await this.stream(
        this.upstream('go', annotationsUrl, '/annotations/goa_human.gaf.gz'),
        async (body) => {
          const indexer = new GafIndexer();
          await gunzipLines(body, 'GO annotations', (lines) => indexer.push(lines));
          return indexer.finish();
        },
        { signal: ctx.signal },
      );
      if (gaf.bySymbol.size === 0) {
        throw new UpstreamPayloadError('GO annotations: no usable rows');
      }
      this.logger.log(
        {
          rows: gaf.rows,
          not_rows: gaf.negated,
          malformed: gaf.malformed,
          genes: gaf.bySymbol.size,
        },
        `GO annotations read (GAF ${gaf.gafVersion}, generated ${gaf.generated ?? 'unknown'})`,
      );
      await this.writeLibraries(gaf, ontology);
      return { ontology, gaf };
    });
  }

  private async writeLibraries(gaf: GafIndex, ontology: GoOntology): Promise<void> {
    const matcher = await this.geneSets.matcher();
    for (const { library, terms } of goLibraries(gaf, ontology, (s) => matcher.bySymbol(s))) {
      const stored = await this.geneSets.replaceLibrary(
        { name: library, source: 'go', version: ontology.version },
        terms,
      );
      this.logger.log(
        { library, terms: stored.terms, genes: stored.genes, local_genes: matcher.size },
        `${library} gene-set library written`,
      );
    }
  }
}
