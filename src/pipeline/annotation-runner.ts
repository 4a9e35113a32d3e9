/**
 * What the pipeline needs from the annotation sources: their names (HGNC first) and a
 * run of one source over all genes, the genes missing its annotation, the genes it
 * failed on, or given genes.
 */
export interface AnnotationRunOptions {
  runId?: string;
  geneIds?: number[];
  scope?: 'all' | 'missing' | 'failed';
  force?: boolean;
  signal?: AbortSignal;
}

export interface AnnotationRunResult {
  run_id: string;
  source: string;
  status: 'completed' | 'failed' | 'cancelled';
  version: string | null;
  genes_total: number;
  updated: number;
  no_data: number;
  failed: number;
  failures: { gene_id: number; symbol: string; reason: string }[];
  error: string | null;
  duration_ms: number;
}

export interface AnnotationRunner {
  names(): string[];
  run(name: string, options?: AnnotationRunOptions): Promise<AnnotationRunResult>;
}

/** Injection token of the AnnotationRunner (absent until annotation sources exist). */
export const ANNOTATION_RUNNER = Symbol('ANNOTATION_RUNNER');
