/**
 * How ClinVar germline classifications are counted per gene.
 *
 * The rule, applied to `germline_classification.description` of each variation:
 * 1. Only the first `;`-separated term is the classification ("Pathogenic; risk factor"
 *    is Pathogenic); the rest are secondary labels.
 * 2. "Conflicting classifications of pathogenicity" (and its former name "Conflicting
 *    interpretations of pathogenicity") counts as **conflicting only**, never as
 *    pathogenic. The original port matched substrings and counted it twice.
 * 3. A combined class ("A/B", "A/B/C") counts as its **least certain member** when every
 *    member points the same way: "Pathogenic/Likely pathogenic" → likely pathogenic,
 *    "Benign/Likely benign" → likely benign, "Pathogenic/Pathogenic, low penetrance" →
 *    pathogenic. Members pointing different ways count as other. Combined classes are
 *    also counted on their own (`combined_classes`), so nothing is hidden.
 * 4. "…, low penetrance" counts with its class (Pathogenic, low penetrance → pathogenic).
 * 5. "not provided", "no classification provided", "no classifications from unflagged
 *    records" and an empty description count as not provided; anything else (risk
 *    factor, drug response, association, protective, …) as other.
 */
export const CLINVAR_CLASSES = [
  'pathogenic',
  'likely_pathogenic',
  'vus',
  'likely_benign',
  'benign',
  'conflicting',
  'not_provided',
  'other',
] as const;
export type ClinVarClass = (typeof CLINVAR_CLASSES)[number];

const SINGLE: Record<string, ClinVarClass> = {
  pathogenic: 'pathogenic',
  'pathogenic, low penetrance': 'pathogenic',
  'likely pathogenic': 'likely_pathogenic',
  'likely pathogenic, low penetrance': 'likely_pathogenic',
  'uncertain significance': 'vus',
  'likely benign': 'likely_benign',
  benign: 'benign',
  'conflicting classifications of pathogenicity': 'conflicting',
  'conflicting interpretations of pathogenicity': 'conflicting',
  'not provided': 'not_provided',
  'no classification provided': 'not_provided',
  'no classifications from unflagged records': 'not_provided',
  '': 'not_provided',
};

/** Certainty order within one direction: the later member is the less certain. */
const LEAST_CERTAIN: Partial<Record<ClinVarClass, number>> = {
  pathogenic: 0,
  likely_pathogenic: 1,
  benign: 0,
  likely_benign: 1,
};
const DIRECTION: Partial<Record<ClinVarClass, 'pathogenic' | 'benign'>> = {
  pathogenic: 'pathogenic',
  likely_pathogenic: 'pathogenic',
  benign: 'benign',
  likely_benign: 'benign',
};

export interface Classified {
  class: ClinVarClass;
  /** The description was a combined class ("A/B"). */
  combined: boolean;
}

/** The counted class of a ClinVar germline classification description (see the rule above). */
export function classifyGermline(description: string | null | undefined): Classified {
  const primary = (description ?? '').split(';')[0].trim().toLowerCase();
  if (primary in SINGLE) {
    return { class: SINGLE[primary], combined: false };
  }
  if (!primary.includes('/')) {
    return { class: 'other', combined: false };
  }
  const members = primary.split('/').map((m) => SINGLE[m.trim()] ?? 'other');
  const directions = new Set(members.map((m) => DIRECTION[m]));
  if (directions.size !== 1 || directions.has(undefined)) {
    return { class: 'other', combined: true };
  }
  const least = members.reduce((a, b) => (LEAST_CERTAIN[b]! > LEAST_CERTAIN[a]! ? b : a));
  return { class: least, combined: true };
}

/**
 * ClinVar's review-status stars: practice guideline 4, expert panel 3, multiple
 * submitters without conflicts 2, single submitter or conflicting classifications 1,
 * no assertion criteria or no classification 0.
 */
export function reviewStars(status: string | null | undefined): number {
  const s = (status ?? '').toLowerCase();
  if (s.includes('practice guideline')) {
    return 4;
  }
  if (s.includes('expert panel')) {
    return 3;
  }
  if (s.includes('multiple submitters') && s.includes('no conflicts')) {
    return 2;
  }
  if (s.includes('single submitter') || s.includes('conflicting')) {
    return 1;
  }
  return 0;
}

export const CONSEQUENCE_CATEGORIES = [
  'truncating',
  'splice',
  'inframe',
  'missense',
  'synonymous',
  'noncoding',
  'other',
] as const;
export type ConsequenceCategory = (typeof CONSEQUENCE_CATEGORIES)[number];

const CONSEQUENCE_PATTERNS: [RegExp, ConsequenceCategory][] = [
  [/nonsense|stop gained|frameshift|stop lost|start lost|initiator codon/, 'truncating'],
  [/splice/, 'splice'],
  [/inframe/, 'inframe'],
  [/missense/, 'missense'],
  [/synonymous/, 'synonymous'],
  [/intron|utr|upstream|downstream|non-coding|noncoding|intergenic/, 'noncoding'],
];

/**
 * The most severe category among a variation's molecular consequences (in the order of
 * CONSEQUENCE_CATEGORIES); without consequences, guessed from the protein change in the
 * title (`p.…fs`/`Ter` truncating, `p.=` synonymous, `p.Xxx123Yyy` missense).
 */
export function consequenceCategory(
  consequences: readonly string[],
  title: string,
): ConsequenceCategory {
  const found = new Set<ConsequenceCategory>();
  for (const c of consequences) {
    const text = c.toLowerCase().replace(/_/g, ' ');
    const match = CONSEQUENCE_PATTERNS.find(([re]) => re.test(text));
    found.add(match ? match[1] : 'other');
  }
  if (found.size === 0) {
    const protein = /\(p\.([^)]+)\)/.exec(title)?.[1] ?? '';
    if (/fs|Ter|\*/.test(protein)) {
      return 'truncating';
    }
    if (protein.startsWith('=')) {
      return 'synonymous';
    }
    if (/^[A-Z][a-z]{2}\d+[A-Z][a-z]{2}$/.test(protein)) {
      return 'missense';
    }
    return 'other';
  }
  return CONSEQUENCE_CATEGORIES.find((c) => found.has(c)) ?? 'other';
}
