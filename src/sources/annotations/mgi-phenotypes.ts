import type { AnnotationOutcome } from './annotation-source.js';
import { annotated, type AnnotationGene, failed, noData } from './annotation-source.js';

/** Columns of MouseMine's `HGene_MPhenotype` template (human gene → mouse ortholog MP terms). */
export const ORTHOLOG_PHENOTYPE_COLUMNS = {
  humanId: 'Gene.primaryIdentifier',
  humanSymbol: 'Gene.symbol',
  mouseSymbol: 'Gene.homologues.homologue.symbol',
  term: 'Gene.homologues.homologue.ontologyAnnotations.ontologyTerm.identifier',
  name: 'Gene.homologues.homologue.ontologyAnnotations.ontologyTerm.name',
} as const;

/** Columns of MouseMine's `_Genotype_Phenotype` template (genotype → MP terms, zygosity). */
export const GENOTYPE_PHENOTYPE_COLUMNS = {
  genotype: 'OntologyAnnotation.subject.symbol',
  zygosity: 'OntologyAnnotation.subject.zygosity',
  term: 'OntologyAnnotation.ontologyTerm.identifier',
  name: 'OntologyAnnotation.ontologyTerm.name',
} as const;

type Row<C> = Record<keyof C & string, unknown>;
export type OrthologRow = Row<typeof ORTHOLOG_PHENOTYPE_COLUMNS>;
export type GenotypeRow = Row<typeof GENOTYPE_PHENOTYPE_COLUMNS>;

/** MGI zygosity codes kept, and the key each is stored under. */
const ZYGOSITIES = { hm: 'homozygous', ht: 'heterozygous', cn: 'conditional' } as const;
const MP_ID = /^MP:\d{7}$/;

export interface Phenotype {
  term: string;
  name: string;
}

/** What MouseMine said about one human gene: its mouse orthologs and their MP terms. */
export interface OrthologPhenotypes {
  orthologs: Set<string>;
  /** MP term → name, over every ortholog. */
  terms: Map<string, string>;
  /** The first malformed row of the gene, if any. */
  malformed: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * The rows of one `HGene_MPhenotype` answer per gene of the batch. A row belongs to a
 * gene by its human symbol, or by its primary identifier (HGNC or NCBI Gene id) when
 * MouseMine knows the gene under another symbol. A row naming no human gene is an
 * unusable answer; a gene's row without a valid MP id or ortholog marks that gene.
 */
export function groupOrthologRows(
  genes: readonly AnnotationGene[],
  rows: readonly OrthologRow[],
): Map<number, OrthologPhenotypes> {
  const bySymbol = new Map(genes.map((g) => [g.symbol.toUpperCase(), g.id]));
  const byId = new Map<string, number>();
  for (const g of genes) {
    byId.set(g.hgnc_id, g.id);
    if (g.ncbi_gene_id) {
      byId.set(g.ncbi_gene_id, g.id);
    }
  }
  const groups = new Map<number, OrthologPhenotypes>();
  rows.forEach((row, i) => {
    const symbol = str(row.humanSymbol);
    if (!symbol) {
      throw new Error(`MouseMine: row ${i} has no human gene symbol`);
    }
    const id = bySymbol.get(symbol.toUpperCase()) ?? byId.get(String(row.humanId));
    if (id === undefined) {
      return;
    }
    let group = groups.get(id);
    if (!group) {
      group = { orthologs: new Set(), terms: new Map(), malformed: null };
      groups.set(id, group);
    }
    const mouse = str(row.mouseSymbol);
    const term = str(row.term);
    const name = str(row.name);
    if (!mouse || !term || !MP_ID.test(term) || !name) {
      group.malformed ??= `MouseMine: malformed phenotype row for ${symbol} (${JSON.stringify(row)})`;
      return;
    }
    group.orthologs.add(mouse);
    group.terms.set(term, name);
  });
  return groups;
}

/** Whether MouseMine's usable rows for a gene include a kidney MP term. */
export function hasKidneyPhenotype(
  group: OrthologPhenotypes | undefined,
  kidneyTerms: ReadonlySet<string>,
): boolean {
  return (
    group !== undefined &&
    group.malformed === null &&
    [...group.terms.keys()].some((t) => kidneyTerms.has(t))
  );
}

/**
 * Whether a genotype carries an allele of `mouseSymbol`: MGI writes genotypes as allele
 * pairs such as `Pkd1<tm1Jzh>/Pkd1<+>`, so `Pkd1<` at the start or after a space or
 * slash. (A CONTAINS search for `Pkd1` also returns `Pkd1l1` genotypes; this drops them.)
 */
export function carriesAllele(genotype: string, mouseSymbol: string): boolean {
  const escaped = mouseSymbol.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s/])${escaped}<`).test(genotype);
}

const sorted = (byTerm: Map<string, string>): Phenotype[] =>
  [...byTerm.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([term, name]) => ({ term, name }));

type Bucket = { has_kidney_phenotype: boolean; phenotype_count: number; phenotypes: Phenotype[] };

/** Kidney phenotypes per zygosity from the genotypes carrying an allele of an ortholog. */
export function zygosityOf(
  orthologs: ReadonlySet<string>,
  genotypeRows: readonly GenotypeRow[],
  kidneyTerms: ReadonlySet<string>,
): Record<(typeof ZYGOSITIES)[keyof typeof ZYGOSITIES], Bucket> {
  const found = new Map(Object.keys(ZYGOSITIES).map((z) => [z, new Map<string, string>()]));
  for (const row of genotypeRows) {
    const genotype = str(row.genotype);
    const term = str(row.term);
    const name = str(row.name);
    const bucket = found.get(String(row.zygosity));
    if (!bucket || !genotype || !term || !name || !kidneyTerms.has(term)) {
      continue;
    }
    if ([...orthologs].some((m) => carriesAllele(genotype, m))) {
      bucket.set(term, name);
    }
  }
  const entries = Object.entries(ZYGOSITIES).map(([code, key]) => {
    const phenotypes = sorted(found.get(code)!);
    return [
      key,
      {
        has_kidney_phenotype: phenotypes.length > 0,
        phenotype_count: phenotypes.length,
        phenotypes,
      },
    ];
  });
  return Object.fromEntries(entries) as Record<
    (typeof ZYGOSITIES)[keyof typeof ZYGOSITIES],
    Bucket
  >;
}

/**
 * The stored annotation of one gene. No rows means MouseMine has no mouse ortholog with
 * phenotype annotations for it: an answer, stored as no data. `genotypeRows` are the
 * `_Genotype_Phenotype` rows of its orthologs (only asked for when it has a kidney
 * phenotype; without one every zygosity bucket is empty anyway).
 */
export function mgiOutcome(
  gene: AnnotationGene,
  group: OrthologPhenotypes | undefined,
  kidneyTerms: ReadonlySet<string>,
  genotypeRows: readonly GenotypeRow[],
): AnnotationOutcome {
  if (!group) {
    return noData(`MouseMine has no mouse ortholog with phenotypes for ${gene.symbol}`);
  }
  if (group.malformed) {
    return failed(group.malformed);
  }
  const kidney = new Map([...group.terms].filter(([term]) => kidneyTerms.has(term)));
  const zygosity = zygosityOf(group.orthologs, genotypeRows, kidneyTerms);
  const flag = (b: Bucket) => (b.has_kidney_phenotype ? 'true' : 'false');
  const summary = `hm (${flag(zygosity.homozygous)}); ht (${flag(zygosity.heterozygous)})`;
  const phenotypes = sorted(kidney);
  return annotated({
    gene_symbol: gene.symbol,
    mouse_orthologs: [...group.orthologs].sort(),
    has_kidney_phenotype: kidney.size > 0,
    kidney_phenotypes: phenotypes,
    kidney_phenotype_count: kidney.size,
    total_phenotypes: group.terms.size,
    mp_terms_searched: kidneyTerms.size,
    zygosity,
    summary,
    // The original's names for the same figures, which its gene page reads: `phenotypes`
    // were the kidney phenotypes, and its zygosity object carried the summary.
    phenotypes,
    phenotype_count: kidney.size,
    zygosity_analysis: { ...zygosity, summary },
    // The kidney terms are those below the renal/urinary system root (MP:0005367 by default).
    system_analysis: { renal_urinary: { phenotype_count: kidney.size, phenotypes } },
  });
}
