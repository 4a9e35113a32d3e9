/** The evidence tiers and groups of the scoring (docs/scoring.md), in display order. */
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
