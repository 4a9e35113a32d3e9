import type { AnnotationSourcesService } from '../annotation-sources/annotations/annotation-sources.service.js';

/**
 * What the pipeline needs from the annotation sources: their names and a run of one
 * source over all genes, the genes missing its annotation, the genes it failed on, or
 * given genes.
 */
export type AnnotationRunner = Pick<AnnotationSourcesService, 'names' | 'run'>;

/** Injection token of the AnnotationRunner. */
export const ANNOTATION_RUNNER = Symbol('ANNOTATION_RUNNER');
