/**
 * One gene's ClinVar variations folded into the stored annotation: counts by class,
 * review stars and consequence, and the variant lists the original's structure and protein
 * views plot.
 */
import {
  classifyGermline,
  CLINVAR_CLASSES,
  type ClinVarClass,
  CONSEQUENCE_CATEGORIES,
  type ConsequenceCategory,
  consequenceCategory,
  reviewStars,
} from './clinvar-classification.js';

const TOP_TRAITS = 10;
const TOP_CONSEQUENCES = 10;
/** Variants listed per gene for the structure and protein views, as the original capped them. */
const MAX_DETAIL = 200;
const UNINFORMATIVE_TRAITS = new Set(['not provided', 'not specified', 'see cases']);
export interface ClinVarSummary {
  uid?: string;
  accession?: string;
  title?: string;
  obj_type?: string;
  error?: string;
  variation_set?: {
    cdna_change?: string;
    variant_type?: string;
    variation_loc?: {
      status?: string;
      assembly_name?: string;
      chr?: string;
      start?: string;
      stop?: string;
    }[];
  }[];
  molecular_consequence_list?: string[];
  germline_classification?: {
    description?: string;
    review_status?: string;
    trait_set?: { trait_name?: string }[];
  };
}

/** Counts of one gene's variations, folded one record at a time (see the classification rule). */
export class VariantTally {
  private readonly classes = Object.fromEntries(CLINVAR_CLASSES.map((c) => [c, 0])) as Record<
    ClinVarClass,
    number
  >;
  private readonly categories = Object.fromEntries(
    CONSEQUENCE_CATEGORIES.map((c) => [c, 0]),
  ) as Record<ConsequenceCategory, number>;
  private readonly stars = [0, 0, 0, 0, 0];
  private readonly types: Record<string, number> = {};
  private readonly traits = new Map<string, number>();
  private readonly consequences = new Map<string, number>();
  private readonly genomic: VariantDetail[] = [];
  private readonly protein: VariantDetail[] = [];
  private combined = 0;
  private total = 0;

  add(r: ClinVarSummary): void {
    const germline = r.germline_classification ?? {};
    const c = classifyGermline(germline.description);
    this.total += 1;
    this.classes[c.class] += 1;
    if (c.combined) {
      this.combined += 1;
    }
    this.stars[reviewStars(germline.review_status)] += 1;
    const category = consequenceCategory(r.molecular_consequence_list ?? [], r.title ?? '');
    this.categories[category] += 1;
    for (const m of new Set(r.molecular_consequence_list ?? [])) {
      this.consequences.set(m, (this.consequences.get(m) ?? 0) + 1);
    }
    const detail = variantDetail(r, c.class, category);
    if (detail.genomic_start !== null && this.genomic.length < MAX_DETAIL) {
      this.genomic.push(detail);
    }
    if (detail.position !== null && this.protein.length < MAX_DETAIL) {
      this.protein.push(detail);
    }
    const type = r.obj_type || 'unknown';
    this.types[type] = (this.types[type] ?? 0) + 1;
    for (const t of new Set((germline.trait_set ?? []).map((x) => x.trait_name ?? ''))) {
      if (t && !UNINFORMATIVE_TRAITS.has(t.toLowerCase())) {
        this.traits.set(t, (this.traits.get(t) ?? 0) + 1);
      }
    }
  }

  result(symbol: string): Record<string, unknown> {
    const { classes, stars, total } = this;
    const plp = classes.pathogenic + classes.likely_pathogenic;
    const high = stars[2] + stars[3] + stars[4];
    const pct = (n: number) => (total > 0 ? Math.round((n / total) * 1000) / 10 : 0);
    return {
      gene_symbol: symbol,
      total_variants: total,
      pathogenic_count: classes.pathogenic,
      likely_pathogenic_count: classes.likely_pathogenic,
      vus_count: classes.vus,
      likely_benign_count: classes.likely_benign,
      benign_count: classes.benign,
      conflicting_count: classes.conflicting,
      not_provided_count: classes.not_provided,
      other_count: classes.other,
      combined_classes_count: this.combined,
      pathogenic_or_likely_pathogenic_count: plp,
      has_pathogenic: plp > 0,
      pathogenic_percentage: pct(plp),
      review_stars: Object.fromEntries(stars.map((n, i) => [String(i), n])),
      high_confidence_count: high,
      high_confidence_percentage: pct(high),
      // `splice_region` is the original's name for the splice category.
      consequence_categories: { ...this.categories, splice_region: this.categories.splice },
      truncating_percentage: pct(this.categories.truncating),
      missense_percentage: pct(this.categories.missense),
      synonymous_percentage: pct(this.categories.synonymous),
      top_molecular_consequences: [...this.consequences.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, TOP_CONSEQUENCES)
        .map(([consequence, count]) => ({ consequence, count })),
      genomic_variants: [...this.genomic].sort((a, b) => a.genomic_start! - b.genomic_start!),
      protein_variants: [...this.protein].sort((a, b) => a.position! - b.position!),
      variant_types: { ...this.types },
      top_traits: [...this.traits.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, TOP_TRAITS)
        .map(([trait, count]) => ({ trait, count })),
      classification_rule:
        'conflicting counts as conflicting only; a combined class counts as its least certain member',
    };
  }
}

/** One variation as the original's structure and protein views plot it. */
export interface VariantDetail {
  accession: string | null;
  title: string | null;
  variant_type: string | null;
  /** ClinVar's germline classification as written. */
  classification: string;
  /** Its counted class (see the classification rule). */
  category: ClinVarClass;
  /** Its consequence category, under the original's names. */
  effect_category: string;
  molecular_consequences: string[];
  review_status: string;
  confidence: number;
  cdna_change: string | null;
  /** HGVS protein change from the title (`p.Arg4206Trp`), or null. */
  protein_change: string | null;
  /** Residue of the protein change, or null. */
  position: number | null;
  chromosome: string | null;
  /** GRCh38 start and end of the current location, or null. */
  genomic_start: number | null;
  genomic_end: number | null;
}

const EFFECT_NAMES: Partial<Record<ConsequenceCategory, string>> = {
  splice: 'splice_region',
  noncoding: 'other',
};

function variantDetail(
  r: ClinVarSummary,
  counted: ClinVarClass,
  category: ConsequenceCategory,
): VariantDetail {
  const germline = r.germline_classification ?? {};
  const variation = r.variation_set?.[0];
  const loc = (variation?.variation_loc ?? []).find(
    (l) => l.assembly_name === 'GRCh38' && (l.status ?? 'current') === 'current',
  );
  const int = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : null);
  const protein = /\((p\.[^)]+)\)/.exec(r.title ?? '')?.[1] ?? null;
  const position = protein ? /^p\.(?:[A-Z][a-z]{2}|[A-Z*])(\d+)/.exec(protein)?.[1] : undefined;
  return {
    accession: r.accession ?? null,
    title: r.title ?? null,
    variant_type: variation?.variant_type ?? r.obj_type ?? null,
    classification: germline.description ?? '',
    category: counted,
    effect_category: EFFECT_NAMES[category] ?? category,
    molecular_consequences: r.molecular_consequence_list ?? [],
    review_status: germline.review_status ?? '',
    confidence: reviewStars(germline.review_status),
    cdna_change: variation?.cdna_change ?? null,
    protein_change: protein,
    position: position ? Number(position) : null,
    chromosome: loc?.chr ?? null,
    genomic_start: int(loc?.start),
    genomic_end: int(loc?.stop),
  };
}
