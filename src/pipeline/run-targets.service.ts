import { Injectable } from '@nestjs/common';

import { AnnotationStoreService } from '../genes/annotations/annotation-store.service.js';
import { PipelineService } from './pipeline.service.js';

/**
 * How many genes an annotation update covers, for the answer the original Annotations page
 * reads (`count` in its toast): the genes missing, or failed by, any of the sources.
 */
@Injectable()
export class RunTargets {
  constructor(
    private readonly pipeline: PipelineService,
    private readonly store: AnnotationStoreService,
  ) {}

  /** Distinct genes lacking (`missing`) or failed by (`failed`) any of `sources` (default: all annotation sources). */
  async count(scope: 'missing' | 'failed', sources?: string[]): Promise<number> {
    const names =
      sources?.map((s) => this.pipeline.resolveSource(s).name) ??
      this.pipeline
        .knownSources()
        .filter((s) => s.kind === 'annotation')
        .map((s) => s.name);
    const lists = await Promise.all(names.map((name) => this.store.targets(name, scope)));
    return new Set(lists.flat().map((t) => t.id)).size;
  }
}
