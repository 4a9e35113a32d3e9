import { SOURCE_DEFINITIONS } from '../../genes/evidence-sources.js';
import type { SourceRegistration as DefinedSource } from '../../genes/registry/source-registry.service.js';

export type { DefinedSource };

/** Processes that write data without being a source; they have run history of their own. */
export const INTERNAL_PROCESSES: readonly Omit<DefinedSource, 'initialStatus'>[] = [
  {
    name: 'pipeline',
    displayName: 'Update pipeline',
    description: 'Queues and executes source runs (evidence, then annotations)',
    category: 'internal',
    scoring: null,
    url: null,
    documentationUrl: null,
  },
  {
    name: 'hgnc_normalization',
    displayName: 'HGNC normalization',
    description: 'Resolves source gene symbols to approved HGNC genes before staging',
    category: 'internal',
    scoring: null,
    url: 'https://rest.genenames.org',
    documentationUrl: null,
  },
  {
    name: 'score_refresh',
    displayName: 'Score refresh',
    description: 'Recomputes the materialized gene scores after evidence changes',
    category: 'internal',
    scoring: null,
    url: null,
    documentationUrl: null,
  },
];

/**
 * Every source the running code defines: the runnable evidence sources and annotation
 * sources (by the names their services report), the upload sources and the internal
 * processes. A runnable evidence source without display metadata still gets a row.
 */
export function definedSources(
  evidenceNames: readonly string[],
  annotations: readonly { name: string; displayName: string }[],
): DefinedSource[] {
  const known = new Map(SOURCE_DEFINITIONS.map((d) => [d.name, d]));
  const evidence = evidenceNames.map((name): DefinedSource => {
    const d = known.get(name);
    return {
      name,
      displayName: d?.displayName ?? name,
      description: d?.description ?? '',
      category: 'evidence',
      scoring: d?.scoring ?? 'count',
      url: d?.url ?? null,
      documentationUrl: d?.documentationUrl ?? null,
      initialStatus: 'active',
    };
  });
  const uploads = SOURCE_DEFINITIONS.filter((d) => d.category === 'upload').map(
    (d): DefinedSource => ({ ...d, category: 'upload', initialStatus: 'ready_for_upload' }),
  );
  const annotation = annotations.map((a): DefinedSource => ({
    name: a.name,
    displayName: a.displayName,
    description: `Gene annotation from ${a.displayName}`,
    category: 'annotation',
    scoring: null,
    url: null,
    documentationUrl: null,
    initialStatus: 'active',
  }));
  const internal = INTERNAL_PROCESSES.map((p): DefinedSource => ({
    ...p,
    initialStatus: 'active',
  }));
  return [...evidence, ...uploads, ...annotation, ...internal];
}
