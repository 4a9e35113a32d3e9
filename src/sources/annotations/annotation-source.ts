import type { AnnotationTarget } from '../../genes/annotations/annotation-store.service.js';
import { type SourceRunContext, UpstreamSource } from '../base/upstream-source.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';

export type AnnotationGene = AnnotationTarget;

/**
 * What a source found for one gene: data to store; "no data" (the upstream answered and
 * knows nothing about the gene; stored as such, so it is not retried as missing); or a
 * failure with its reason (recorded, retried by `scope: failed`).
 */
export type AnnotationOutcome =
  | { kind: 'data'; data: Record<string, unknown> }
  | { kind: 'no_data'; reason: string }
  | { kind: 'failed'; reason: string };

export const annotated = (data: Record<string, unknown>): AnnotationOutcome => ({
  kind: 'data',
  data,
});
export const noData = (reason: string): AnnotationOutcome => ({ kind: 'no_data', reason });
export const failed = (reason: string): AnnotationOutcome => ({ kind: 'failed', reason });

/** The reason of an error, for a per-gene failure. */
export const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Gene id → outcome; a gene left out was missed (a bulk source's fallback gets it). */
export type AnnotationOutcomes = Map<number, AnnotationOutcome>;

/**
 * A source of gene annotations (one `gene_annotations` row per gene and source).
 * `bulk` sources answer a whole chunk from one download and may implement
 * `annotateOne` for the genes the bulk pass missed; `per-gene` sources call the
 * upstream per gene (or per small batch) inside `annotate`.
 */
export abstract class AnnotationSource extends UpstreamSource {
  abstract override readonly declaration: AnnotationDeclaration;

  get mode(): 'bulk' | 'per-gene' {
    return this.declaration.mode;
  }

  /** Shown in the sources list. */
  get displayName(): string {
    return this.declaration.displayName;
  }

  /** The upstream release the rows of this run are stored with. */
  abstract version(ctx: SourceRunContext): Promise<string>;

  /** Outcomes for a chunk of genes; a thrown error fails every gene of the chunk. */
  abstract annotate(genes: AnnotationGene[], ctx: SourceRunContext): Promise<AnnotationOutcomes>;

  /** Per-gene fallback for genes `annotate` missed (bulk sources). */
  annotateOne?(gene: AnnotationGene, ctx: SourceRunContext): Promise<AnnotationOutcome>;

  /** Called when a run ends, however it ends: drop what was held for the run. */
  finish(): void {}
}

/**
 * A source that looks genes up in batches of `batchSize`. A batch that fails is left
 * out (and logged), so the runner asks for its genes one by one through `annotateOne`.
 */
export abstract class BatchedAnnotationSource extends AnnotationSource {
  protected abstract readonly batchSize: number;

  /** Outcomes for one batch of genes. */
  protected abstract lookup(
    genes: AnnotationGene[],
    ctx: SourceRunContext,
  ): Promise<AnnotationOutcomes>;

  async annotate(genes: AnnotationGene[], ctx: SourceRunContext): Promise<AnnotationOutcomes> {
    const outcomes: AnnotationOutcomes = new Map();
    for (let i = 0; i < genes.length; i += this.batchSize) {
      try {
        const batch = genes.slice(i, i + this.batchSize);
        for (const [id, o] of await this.lookup(batch, ctx)) {
          outcomes.set(id, o);
        }
      } catch (error) {
        this.logger.warn(`${this.displayName} batch failed: ${reasonOf(error)}`);
      }
    }
    return outcomes;
  }

  override async annotateOne(
    gene: AnnotationGene,
    ctx: SourceRunContext,
  ): Promise<AnnotationOutcome> {
    return (await this.lookup([gene], ctx)).get(gene.id)!;
  }
}

/** Memoizes one load per run id (a bulk file read once per run, not once per chunk). */
export class PerRun<T> {
  private current?: { runId: string; value: Promise<T> };

  get(runId: string, load: () => Promise<T>): Promise<T> {
    if (this.current?.runId !== runId) {
      this.current = { runId, value: load() };
    }
    return this.current.value;
  }

  release(): void {
    this.current = undefined;
  }
}
