import { randomUUID } from 'node:crypto';

import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import { ConflictError, DomainError, NotFoundError } from '../../common/errors/index.js';
import { runWithContext } from '../../common/request-context.js';
import { AnnotationSource } from '../annotations/annotation-source.js';
import { EvidenceSource, type UpstreamSource } from '../base/upstream-source.js';
import { type SourceDeclaration } from '../catalog/source-declaration.types.js';
import { UPLOAD_SOURCES } from '../catalog/upload-sources.js';
import { AnnotationRun, type AnnotationRunResult } from './annotation-run.js';
import { EvidenceRun, type EvidenceRunResult } from './evidence-run.js';
import { SourceRunLock } from './source-run-lock.repository.js';

/** Injection token: every upstream source the app runs (see catalog/source-catalog.ts). */
export const UPSTREAM_SOURCES = Symbol('UPSTREAM_SOURCES');

export type RunnableKind = 'evidence' | 'annotation';
export type SourceRunResult = EvidenceRunResult | AnnotationRunResult;

export interface SourceRunOptions {
  /** The id progress events and logs carry (a pipeline run's); new when omitted. */
  runId?: string;
  force?: boolean;
  signal?: AbortSignal;
  scope?: 'all' | 'missing' | 'failed';
  geneIds?: number[];
}

class UnknownSourceError extends DomainError {
  readonly code = 'SOURCE_NOT_FOUND';
  readonly status = HttpStatus.NOT_FOUND;
}

/**
 * The one runner of source runs, evidence and annotation alike: finds the source by its
 * declared name, keeps one run per source at a time (in this process with the run id for
 * the answer, across instances with an advisory lock), binds the run id to the logs, and
 * hands the work to the run of the source's kind.
 */
@Injectable()
export class SourceRunner {
  private readonly sources: Map<string, UpstreamSource>;
  /** Source → its run in progress in this process. */
  private readonly active = new Map<string, string>();

  constructor(
    private readonly evidenceRun: EvidenceRun,
    private readonly annotationRun: AnnotationRun,
    private readonly lock: SourceRunLock,
    @Inject(UPSTREAM_SOURCES) sources: UpstreamSource[],
  ) {
    const ordered = [...sources].sort(
      (a, b) => a.declaration.runOrder - b.declaration.runOrder || a.name.localeCompare(b.name),
    );
    this.sources = new Map(ordered.map((s) => [s.name, s]));
  }

  /** Every declared source: the runnable ones in run order, then the upload sources. */
  declarations(): SourceDeclaration[] {
    return [...[...this.sources.values()].map((s) => s.declaration), ...UPLOAD_SOURCES];
  }

  /** Names of the runnable sources of `kind` (all when omitted), in run order. */
  names(kind?: RunnableKind): string[] {
    return [...this.sources.values()]
      .filter((s) => kind === undefined || s.declaration.kind === kind)
      .map((s) => s.name);
  }

  /** The runnable source named `name` (case-insensitively), of `kind` when given. */
  source(name: string, kind?: RunnableKind): UpstreamSource {
    const found = [...this.sources.values()].find(
      (s) =>
        s.name.toLowerCase() === name.toLowerCase() &&
        (kind === undefined || s.declaration.kind === kind),
    );
    if (!found && kind === 'annotation') {
      // The annotation endpoints answer a plain 404 NOT_FOUND, as they always have.
      throw new NotFoundError(
        `No annotation source ${name}; available: ${this.names(kind).join(', ')}`,
      );
    }
    if (!found) {
      throw new UnknownSourceError(
        `No ${kind ? `${kind} ` : ''}source ${name}; available: ${this.names(kind).join(', ')}`,
      );
    }
    return found;
  }

  /** The annotation source named `name`, for its display name and mode. */
  annotationSource(name: string): AnnotationSource {
    return this.source(name, 'annotation') as AnnotationSource;
  }

  /** The id of the run of `name` in progress in this process, if any. */
  activeRun(name: string): string | null {
    return this.active.get(this.source(name).name) ?? null;
  }

  /** A run of the annotation source `name` (404 for any other kind of source). */
  async runAnnotation(name: string, options: SourceRunOptions = {}): Promise<AnnotationRunResult> {
    const result = await this.run(this.annotationSource(name).name, options);
    if (result.kind !== 'annotation') {
      throw new Error(`${name} is not an annotation source`);
    }
    return result;
  }

  async run(name: string, options: SourceRunOptions = {}): Promise<SourceRunResult> {
    const source = this.source(name);
    const running = this.active.get(source.name);
    if (running) {
      throw new ConflictError(`${source.name} is already running (run ${running})`, {
        run_id: running,
      });
    }
    const runId = options.runId ?? randomUUID();
    this.active.set(source.name, runId);
    const request = {
      runId,
      force: options.force === true,
      signal: options.signal ?? new AbortController().signal,
      scope: options.scope ?? 'all',
      geneIds: options.geneIds,
    };
    try {
      const locked = await this.lock.exclusive(source.name, () =>
        runWithContext({ runId, stopSignal: request.signal }, (): Promise<SourceRunResult> =>
          source instanceof EvidenceSource
            ? this.evidenceRun.execute(source, request)
            : this.annotationRun.execute(source as AnnotationSource, request),
        ),
      );
      if (!locked.acquired) {
        throw new ConflictError(`${source.name} is already running in another instance`);
      }
      return locked.value;
    } finally {
      this.active.delete(source.name);
      if (source instanceof AnnotationSource) {
        source.finish();
      }
    }
  }
}
