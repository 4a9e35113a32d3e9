/** What a source run is asked to do, after the runner filled in the defaults. */
export interface RunRequest {
  /** The id progress events and logs carry (a pipeline run's). */
  readonly runId: string;
  /** Download again instead of answering from the cache. */
  readonly force: boolean;
  /** Stops the run at the source's next safe point (status `cancelled`). */
  readonly signal: AbortSignal;
  /** Annotation sources: which genes (all, those missing the annotation, those it failed on). */
  readonly scope: 'all' | 'missing' | 'failed';
  /** Annotation sources: only these genes. */
  readonly geneIds?: number[];
}

/** Failures kept in a run result (all are counted). */
export const MAX_REPORTED_FAILURES = 200;
