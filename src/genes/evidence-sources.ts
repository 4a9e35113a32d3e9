/** The evidence sources the scoring knows, in display order. */
export const EVIDENCE_SOURCES = [
  'PanelApp',
  'ClinGen',
  'GenCC',
  'HPO',
  'PubTator',
  'DiagnosticPanels',
  'Literature',
] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

export const EVIDENCE_TIERS = [
  'comprehensive_support',
  'multi_source_support',
  'established_support',
  'preliminary_evidence',
  'minimal_evidence',
  'no_evidence',
] as const;
export type EvidenceTier = (typeof EVIDENCE_TIERS)[number];

export const EVIDENCE_GROUPS = ['well_supported', 'emerging_evidence', 'insufficient'] as const;
export type EvidenceGroup = (typeof EVIDENCE_GROUPS)[number];

export const TIER_GROUP: Record<EvidenceTier, EvidenceGroup> = {
  comprehensive_support: 'well_supported',
  multi_source_support: 'well_supported',
  established_support: 'well_supported',
  preliminary_evidence: 'emerging_evidence',
  minimal_evidence: 'emerging_evidence',
  no_evidence: 'insufficient',
};

export interface SourceDefinition {
  name: string;
  displayName: string;
  description: string;
  category: 'evidence' | 'upload';
  scoring: 'count' | 'classification';
  url: string | null;
  documentationUrl: string | null;
}

/** Display metadata of the evidence and upload sources; the admin registry writes them to `data_sources`. */
export const SOURCE_DEFINITIONS: readonly SourceDefinition[] = [
  {
    name: 'PanelApp',
    displayName: 'PanelApp (UK and Australia)',
    description: 'Green genes of kidney-related diagnostic gene panels',
    category: 'evidence',
    scoring: 'count',
    url: 'https://panelapp.genomicsengland.co.uk',
    documentationUrl: 'https://panelapp.genomicsengland.co.uk/api/docs/',
  },
  {
    name: 'ClinGen',
    displayName: 'ClinGen gene–disease validity',
    description: 'Expert-curated gene–disease validity classifications for kidney diseases',
    category: 'evidence',
    scoring: 'classification',
    url: 'https://search.clinicalgenome.org',
    documentationUrl: 'https://clinicalgenome.org/curation-activities/gene-disease-validity/',
  },
  {
    name: 'GenCC',
    displayName: 'Gene Curation Coalition',
    description: 'Harmonised gene–disease submissions from multiple curation groups',
    category: 'evidence',
    scoring: 'classification',
    url: 'https://thegencc.org',
    documentationUrl: 'https://thegencc.org/about.html',
  },
  {
    name: 'HPO',
    displayName: 'Human Phenotype Ontology',
    description: 'Genes annotated to descendants of Abnormality of the upper urinary tract',
    category: 'evidence',
    scoring: 'count',
    url: 'https://hpo.jax.org',
    documentationUrl: 'https://ontology.jax.org/api/docs',
  },
  {
    name: 'PubTator',
    displayName: 'PubTator3',
    description: 'Genes mentioned in kidney-disease literature, by publication count',
    category: 'evidence',
    scoring: 'count',
    url: 'https://www.ncbi.nlm.nih.gov/research/pubtator3/',
    documentationUrl: 'https://www.ncbi.nlm.nih.gov/research/pubtator3/api',
  },
  {
    name: 'DiagnosticPanels',
    displayName: 'Commercial diagnostic panels',
    description: 'Kidney panels of diagnostic laboratories (uploaded)',
    category: 'upload',
    scoring: 'count',
    url: null,
    documentationUrl: null,
  },
  {
    name: 'Literature',
    displayName: 'Curated literature',
    description: 'Genes reported in curated kidney-genetics publications (uploaded)',
    category: 'upload',
    scoring: 'count',
    url: null,
    documentationUrl: null,
  },
];
