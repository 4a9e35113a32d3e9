import type { AppConfig } from '../../config/index.js';

/**
 * What the rest of the system knows about a source, written once beside its code: the
 * registry (`data_sources`), the admin pages, the staging queue's priority, the order of a
 * full run and the scoring view's count rule all read this declaration.
 */

/** One number read from a gene's evidence: a JSON count, or the length of a JSON array. */
export type CountTerm = readonly ['count' | 'length', string];

/**
 * How a source's evidence counts for scoring (docs/scoring.md). `classification`: the
 * highest weight of the row's ClinGen-style labels. `count`: a number per gene, percent-ranked
 * within the source, taken from the row by `first` (the first term present, in order) or
 * `sum` (all terms added).
 */
export type ScoringRule =
  | { readonly rule: 'classification' }
  | { readonly rule: 'count'; readonly first: readonly CountTerm[] }
  | { readonly rule: 'count'; readonly sum: readonly CountTerm[] };

interface DeclarationBase {
  /** The name in evidence/annotation rows, progress events, the registry and the API. */
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  /** The upstream's home page and API documentation, when it has them. */
  readonly url: string | null;
  readonly documentationUrl: string | null;
  /** Within its stage, a full run starts sources with a lower order first. */
  readonly runOrder: number;
  /** The configuration it runs with (URLs, batch sizes…), shown to operators with secrets masked. */
  readonly settings?: (config: AppConfig) => object;
}

/** A source of evidence downloaded from an upstream. */
export interface EvidenceDeclaration extends DeclarationBase {
  readonly kind: 'evidence';
  /** The cache namespace of its upstream responses. */
  readonly namespace: string;
  readonly scoring: ScoringRule;
  /** How urgently a curator should review its unresolved symbols (higher first). */
  readonly stagingPriority: number;
}

/** A source of evidence curators upload (files in the upload formats). */
export interface UploadDeclaration extends DeclarationBase {
  readonly kind: 'upload';
  readonly scoring: ScoringRule;
  readonly stagingPriority: number;
  /** The folder under the offline snapshot's `uploads/` holding its files. */
  readonly snapshotFolder: string;
}

/** A source of per-gene annotations (one `gene_annotations` row per gene). */
export interface AnnotationDeclaration extends DeclarationBase {
  readonly kind: 'annotation';
  readonly namespace: string;
  /** `bulk`: a whole chunk from one download; `per-gene`: calls per gene or small batch. */
  readonly mode: 'bulk' | 'per-gene';
}

export type SourceDeclaration = EvidenceDeclaration | UploadDeclaration | AnnotationDeclaration;
export type ScoredDeclaration = EvidenceDeclaration | UploadDeclaration;
