import type { SourceRegistration as DefinedSource } from '../../genes/registry/source-registry.service.js';
import type { SourceDeclaration } from '../../sources/catalog/source-declaration.types.js';

export type { DefinedSource };

/** Processes that write data without being a source; they have run history of their own. */
export const INTERNAL_PROCESSES: readonly Omit<DefinedSource, 'initialStatus'>[] = [
  {
    name: 'pipeline',
    displayName: 'Update pipeline',
    description: 'Queues and executes source runs (evidence, then annotations)',
    category: 'internal',
    scoring: null,
    scoringRule: null,
    url: null,
    documentationUrl: null,
  },
  {
    name: 'hgnc_normalization',
    displayName: 'HGNC normalization',
    description: 'Resolves source gene symbols to approved HGNC genes before staging',
    category: 'internal',
    scoring: null,
    scoringRule: null,
    url: 'https://rest.genenames.org',
    documentationUrl: null,
  },
  {
    name: 'score_refresh',
    displayName: 'Score refresh',
    description: 'Recomputes the materialized gene scores after evidence changes',
    category: 'internal',
    scoring: null,
    scoringRule: null,
    url: null,
    documentationUrl: null,
  },
];

/**
 * Every source the running code defines, from the sources' declarations (evidence, upload
 * and annotation sources), then the internal processes. An evidence source's row carries
 * its scoring rule, which the scoring views read.
 */
export function definedSources(declarations: readonly SourceDeclaration[]): DefinedSource[] {
  const sources = declarations.map((d): DefinedSource => ({
    name: d.name,
    displayName: d.displayName,
    description: d.description,
    category: d.kind,
    scoring: d.kind === 'annotation' ? null : d.scoring.rule,
    scoringRule: d.kind === 'annotation' ? null : d.scoring,
    url: d.url,
    documentationUrl: d.documentationUrl,
    initialStatus: d.kind === 'upload' ? 'ready_for_upload' : 'active',
  }));
  const order = { evidence: 0, upload: 1, annotation: 2 } as const;
  sources.sort(
    (a, b) => order[a.category as keyof typeof order] - order[b.category as keyof typeof order],
  );
  const internal = INTERNAL_PROCESSES.map((p): DefinedSource => ({
    ...p,
    initialStatus: 'active',
  }));
  return [...sources, ...internal];
}
