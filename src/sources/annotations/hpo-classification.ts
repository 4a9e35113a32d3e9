/**
 * Phenotype classification of a gene from its HPO terms: clinical group, onset group and
 * syndromic assessment. Pure functions over an {@link HpoOntology}; the HPO annotation
 * source feeds them the terms of the bulk gene–phenotype file.
 */

import { obographRelease, OboHierarchy, parseObograph } from '../parsing/obographs.js';

/**
 * The HPO's `is_a` hierarchy, with the release of the file it was read from
 * (`unknown` when the graph names none).
 */
export class HpoOntology extends OboHierarchy {
  readonly version: string;

  constructor(json: string) {
    const graph = parseObograph(json, 'HPO ontology');
    super(graph);
    this.version = obographRelease(graph) ?? 'unknown';
  }
}

export interface ClinicalGroup {
  readonly name: string;
  /** Terms that characterize the group; a gene's term matches one if it is the term or below it. */
  readonly signature: readonly string[];
  readonly weight: number;
}

export interface HpoClassificationRules {
  readonly kidneyRoots: readonly string[];
  readonly clinicalGroups: readonly ClinicalGroup[];
  readonly onsetGroups: Readonly<Record<string, readonly string[]>>;
  readonly syndromicCategories: Readonly<Record<string, string>>;
  readonly syndromicThreshold: number;
  /** Terms that describe inheritance or course, not a phenotype (kept apart, not counted). */
  readonly nonPhenotypeRoots: readonly string[];
  readonly inheritanceRoot: string;
}

/**
 * Clinical groups: five signature terms each, weight 1. A signature term counts when the
 * gene has it or a term below it, so "Congenital nephrotic syndrome" supports the
 * glomerulopathy group through "Nephrotic syndrome".
 */
export const DEFAULT_CLINICAL_GROUPS: readonly ClinicalGroup[] = [
  {
    name: 'complement',
    // Hemolytic-uremic syndrome, microangiopathic hemolytic anemia, membranoproliferative
    // glomerulonephritis, decreased complement C3, acute kidney injury.
    signature: ['HP:0005575', 'HP:0001937', 'HP:0000793', 'HP:0005421', 'HP:0001919'],
    weight: 1,
  },
  {
    name: 'cakut',
    // Renal agenesis, renal hypoplasia, horseshoe kidney, hydroureter, hydronephrosis.
    signature: ['HP:0000104', 'HP:0000089', 'HP:0000085', 'HP:0000072', 'HP:0000126'],
    weight: 1,
  },
  {
    name: 'glomerulopathy',
    // Nephrotic syndrome, focal segmental glomerulosclerosis, glomerulonephritis,
    // proteinuria, hematuria.
    signature: ['HP:0000100', 'HP:0000097', 'HP:0000099', 'HP:0000093', 'HP:0000790'],
    weight: 1,
  },
  {
    name: 'cyst_cilio',
    // Renal cyst, polycystic kidney dysplasia, nephronophthisis, hepatic cysts,
    // pancreatic cysts.
    signature: ['HP:0000107', 'HP:0000113', 'HP:0000090', 'HP:0001407', 'HP:0001737'],
    weight: 1,
  },
  {
    name: 'tubulopathy',
    // Hypocalciuria, hypokalemia, hypophosphatemia, proximal tubulopathy, hyperchloremic
    // metabolic acidosis.
    signature: ['HP:0003127', 'HP:0002900', 'HP:0002148', 'HP:0000114', 'HP:0004918'],
    weight: 1,
  },
  {
    name: 'nephrolithiasis',
    // Nephrolithiasis, nephrocalcinosis, hypercalciuria, hyperoxaluria, calcium oxalate
    // nephrolithiasis.
    signature: ['HP:0000787', 'HP:0000121', 'HP:0002150', 'HP:0003159', 'HP:0008672'],
    weight: 1,
  },
];

export const DEFAULT_RULES: Omit<
  HpoClassificationRules,
  'kidneyRoots' | 'clinicalGroups' | 'syndromicThreshold'
> = {
  onsetGroups: {
    adult: ['HP:0003581'],
    pediatric: ['HP:0410280', 'HP:0003623'],
    congenital: ['HP:0003577', 'HP:0030674'],
  },
  syndromicCategories: {
    growth: 'HP:0001507',
    skeletal: 'HP:0000924',
    neurologic: 'HP:0000707',
    head_neck: 'HP:0000152',
  },
  // Mode of inheritance, clinical modifier, clinical course (onset lives here), frequency.
  nonPhenotypeRoots: ['HP:0000005', 'HP:0012823', 'HP:0031797', 'HP:0040279'],
  inheritanceRoot: 'HP:0000005',
};

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Scores normalized to sum 1 (3 dp; all 0 when nothing matched) and the arg max, if any. */
function normalized(raw: Record<string, number>): {
  primary: string | null;
  scores: Record<string, number>;
} {
  const total = Object.values(raw).reduce((a, b) => a + b, 0);
  let primary: string | null = null;
  for (const [name, value] of Object.entries(raw)) {
    if (value > 0 && (primary === null || value > raw[primary])) {
      primary = name;
    }
  }
  return {
    primary,
    scores: Object.fromEntries(
      Object.entries(raw).map(([name, value]) => [name, total > 0 ? round3(value / total) : 0]),
    ),
  };
}

export interface HpoClassification {
  clinical_group: {
    primary: string | null;
    scores: Record<string, number>;
    /** The gene's terms that matched the primary group's signature, sorted. */
    supporting_terms: string[];
  };
  onset_group: { primary: string | null; scores: Record<string, number> };
  syndromic_assessment: {
    is_syndromic: boolean;
    syndromic_score: number;
    threshold: number;
    category_scores: Record<string, number>;
    extra_renal_categories: string[];
    extra_renal_term_counts: Record<string, number>;
  };
}

/**
 * Classifies a gene from its phenotype terms (inheritance and course terms already left
 * out) and its onset terms.
 *
 * - Clinical group: per group, the share of its signature terms the gene matches, times
 *   the weight; normalized to sum 1; the primary group is the highest (first in
 *   configuration order on a tie).
 * - Onset group: the number of the gene's terms below each group's roots, normalized.
 * - Syndromic: per extra-renal category, the share of the gene's phenotypes below its
 *   root; the syndromic score is the sum of those shares, syndromic when it reaches the
 *   threshold. A gene with no phenotypes is not syndromic.
 */
export function classifyHpo(
  ontology: HpoOntology,
  phenotypes: readonly string[],
  onsetTerms: readonly string[],
  rules: HpoClassificationRules,
): HpoClassification {
  const rawGroups: Record<string, number> = {};
  for (const group of rules.clinicalGroups) {
    const matchedSignature = group.signature.filter((s) =>
      phenotypes.some((p) => ontology.descendants(s).has(p)),
    );
    rawGroups[group.name] = group.signature.length
      ? (matchedSignature.length / group.signature.length) * group.weight
      : 0;
  }
  const clinical = normalized(rawGroups);
  const primaryGroup = rules.clinicalGroups.find((g) => g.name === clinical.primary);

  const onset = normalized(
    Object.fromEntries(
      Object.entries(rules.onsetGroups).map(([name, roots]) => [
        name,
        onsetTerms.filter((t) => ontology.under(t, roots)).length,
      ]),
    ),
  );

  const counts: Record<string, number> = {};
  const categoryScores: Record<string, number> = {};
  for (const [name, root] of Object.entries(rules.syndromicCategories)) {
    counts[name] = phenotypes.filter((p) => ontology.descendants(root).has(p)).length;
    categoryScores[name] = phenotypes.length ? round3(counts[name] / phenotypes.length) : 0;
  }
  const score = round3(Object.values(categoryScores).reduce((a, b) => a + b, 0));
  const extra = Object.keys(counts).filter((name) => counts[name] > 0);
  return {
    clinical_group: {
      ...clinical,
      supporting_terms: primaryGroup
        ? phenotypes.filter((p) => ontology.under(p, primaryGroup.signature)).sort()
        : [],
    },
    onset_group: onset,
    syndromic_assessment: {
      is_syndromic: phenotypes.length > 0 && score >= rules.syndromicThreshold,
      syndromic_score: score,
      threshold: rules.syndromicThreshold,
      category_scores: categoryScores,
      extra_renal_categories: extra,
      extra_renal_term_counts: Object.fromEntries(extra.map((name) => [name, counts[name]])),
    },
  };
}
