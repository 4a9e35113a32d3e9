import type { UploadDeclaration } from './source-declaration.types.js';

/** Commercial diagnostic panels: one file per laboratory, merged per provider. */
export const DIAGNOSTIC_PANELS: UploadDeclaration = {
  kind: 'upload',
  name: 'DiagnosticPanels',
  displayName: 'Commercial diagnostic panels',
  description: 'Kidney panels of diagnostic laboratories (uploaded)',
  url: null,
  documentationUrl: null,
  scoring: {
    rule: 'count',
    first: [
      ['count', 'panel_count'],
      ['length', 'panels'],
    ],
  },
  stagingPriority: 75,
  runOrder: 20,
  snapshotFolder: 'diagnostic-panels',
};

/** Curated publications: one file per publication, merged per publication id. */
export const LITERATURE: UploadDeclaration = {
  kind: 'upload',
  name: 'Literature',
  displayName: 'Curated literature',
  description: 'Genes reported in curated kidney-genetics publications (uploaded)',
  url: null,
  documentationUrl: null,
  scoring: {
    rule: 'count',
    first: [
      ['count', 'publication_count'],
      ['length', 'publications'],
    ],
  },
  stagingPriority: 60,
  runOrder: 20,
  snapshotFolder: 'literature',
};

export const UPLOAD_SOURCES: readonly UploadDeclaration[] = [DIAGNOSTIC_PANELS, LITERATURE];

/** The declaration of the upload source `name`. */
export function uploadSource(name: string): UploadDeclaration {
  const found = UPLOAD_SOURCES.find((d) => d.name === name);
  if (!found) {
    throw new Error(`no upload source ${name}`);
  }
  return found;
}
