import { Injectable } from '@nestjs/common';

import { GeneSetsService, propagateTerms } from '../../genes/gene-sets/gene-sets.service.js';
import type { GeneSetTerm } from '../../genes/gene-sets/gene-sets.types.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import type { SourceRunContext } from '../base/upstream-source.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import { textLines } from '../parsing/gzip-lines.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcome,
  type AnnotationOutcomes,
  AnnotationSource,
  noData,
  PerRun,
} from './annotation-source.js';
import {
  classifyHpo,
  DEFAULT_CLINICAL_GROUPS,
  DEFAULT_RULES,
  type HpoClassificationRules,
  HpoOntology,
} from './hpo-classification.js';

/** The root of the HPO branch enrichment tests (HP:0000118 Phenotypic abnormality). */
const PHENOTYPIC_ABNORMALITY = 'HP:0000118';

/** One gene's rows of genes_to_phenotype.txt. */
export interface GeneTerms {
  symbol: string;
  ncbiGeneId: string;
  /** HPO id → name as written in the file. */
  terms: Map<string, string>;
  diseases: Set<string>;
}

export interface GeneTermsIndex {
  byNcbi: Map<string, GeneTerms>;
  bySymbol: Map<string, GeneTerms>;
  rows: number;
  skipped: number;
}

/**
 * genes_to_phenotype.txt (tab-separated; header `ncbi_gene_id gene_symbol hpo_id hpo_name
 * frequency disease_id`) grouped per gene, fed a batch of lines at a time so the file is
 * never held whole. Rows without a gene or a valid HPO id are skipped and counted; a
 * file without the header is unusable.
 */
export class GeneTermsIndexer {
  private readonly index: GeneTermsIndex = {
    byNcbi: new Map(),
    bySymbol: new Map(),
    rows: 0,
    skipped: 0,
  };
  private columns: number[] | null = null;

  push(lines: readonly string[]): void {
    for (const line of lines) {
      if (!this.columns) {
        if (line.startsWith('ncbi_gene_id\t')) {
          this.columns = columnsOf(line);
        }
        continue;
      }
      if (line.trim()) {
        this.row(line.split('\t'));
      }
    }
  }

  finish(): GeneTermsIndex {
    if (!this.columns) {
      throw new Error('genes_to_phenotype: no header line starting with ncbi_gene_id');
    }
    return this.index;
  }

  private row(cells: string[]): void {
    const [gi, si, hi, ni, di] = this.columns!;
    const index = this.index;
    index.rows += 1;
    const ncbi = cells[gi]?.trim() ?? '';
    const symbol = cells[si]?.trim() ?? '';
    const term = cells[hi]?.trim() ?? '';
    if (!symbol || !/^\d+$/.test(ncbi) || !/^HP:\d{7}$/.test(term)) {
      index.skipped += 1;
      return;
    }
    let gene = index.byNcbi.get(ncbi);
    if (!gene) {
      gene = { symbol, ncbiGeneId: ncbi, terms: new Map(), diseases: new Set() };
      index.byNcbi.set(ncbi, gene);
      index.bySymbol.set(symbol.toUpperCase(), gene);
    }
    if (!gene.terms.has(term)) {
      gene.terms.set(term, ni >= 0 ? (cells[ni]?.trim() ?? '') : '');
    }
    const disease = di >= 0 ? (cells[di]?.trim() ?? '') : '';
    if (disease) {
      gene.diseases.add(disease);
    }
  }
}

function columnsOf(header: string): number[] {
  const names = header.split('\t');
  const columns = ['ncbi_gene_id', 'gene_symbol', 'hpo_id', 'hpo_name', 'disease_id'].map((c) =>
    names.indexOf(c),
  );
  if (columns.slice(0, 3).some((i) => i < 0)) {
    throw new Error('genes_to_phenotype: missing columns');
  }
  return columns;
}

/** The whole file at once (tests, small files). */
export function indexGeneTerms(text: string): GeneTermsIndex {
  const indexer = new GeneTermsIndexer();
  indexer.push(text.split(/\r?\n/));
  return indexer.finish();
}

const diseaseOf = (id: string) => {
  const at = id.indexOf(':');
  return { id, db: at > 0 ? id.slice(0, at) : null, db_id: at > 0 ? id.slice(at + 1) : id };
};

/** The stored HPO annotation of a gene: its terms, kidney terms and classification. */
export function hpoAnnotation(
  gene: GeneTerms,
  ontology: HpoOntology,
  rules: HpoClassificationRules,
): Record<string, unknown> {
  const term = (id: string) => ({ id, name: ontology.name(id) ?? gene.terms.get(id) ?? null });
  const ids = [...gene.terms.keys()].sort();
  const phenotypes = ids.filter((id) => !ontology.under(id, rules.nonPhenotypeRoots));
  const inheritance = ids.filter((id) => ontology.under(id, [rules.inheritanceRoot]));
  const kidney = phenotypes.filter((id) => ontology.under(id, rules.kidneyRoots));
  const diseases = [...gene.diseases].sort();
  return {
    gene_symbol: gene.symbol,
    ncbi_gene_id: gene.ncbiGeneId,
    has_hpo_data: true,
    ontology_version: ontology.version,
    phenotypes: phenotypes.map(term),
    phenotype_count: phenotypes.length,
    inheritance: inheritance.map(term),
    diseases: diseases.map(diseaseOf),
    disease_count: diseases.length,
    kidney_phenotypes: kidney.map(term),
    kidney_phenotype_count: kidney.length,
    has_kidney_phenotype: kidney.length > 0,
    classification: classifyHpo(ontology, phenotypes, ids, rules),
  };
}

/**
 * HPO phenotypes of each gene, from the bulk gene–phenotype file, classified against the
 * ontology: kidney phenotypes (below the kidney roots), clinical group, onset group and
 * syndromic assessment. Both files are read once per run; genes are matched by NCBI
 * gene id, then by symbol. A gene the file does not list has no data. The version is the
 * ontology release.
 */
@Injectable()
export class HpoPhenotypesAnnotationSource extends AnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'hpo_phenotypes',
    namespace: 'hpo',
    displayName: 'HPO phenotypes',
    description: 'Phenotypes of each gene, classified against the kidney branches of HPO',
    url: 'https://hpo.jax.org',
    documentationUrl: 'https://ontology.jax.org/api/docs',
    mode: 'bulk',
    // After HGNC, whose identifiers it queries by.
    runOrder: 10,
    settings: (config) => config.sources.hpo,
  };
  private readonly files = new PerRun<{ ontology: HpoOntology; genes: GeneTermsIndex }>();

  constructor(
    kit: SourceToolkit,
    private readonly geneSets: GeneSetsService,
  ) {
    super(kit);
  }

  private get rules(): HpoClassificationRules {
    const { classification: c } = this.kit.config.sources.hpo;
    return {
      ...DEFAULT_RULES,
      kidneyRoots: c.kidneyRoots,
      clinicalGroups: c.clinicalGroups ?? DEFAULT_CLINICAL_GROUPS,
      syndromicThreshold: c.syndromicThreshold,
    };
  }

  async version(ctx: SourceRunContext): Promise<string> {
    return (await this.load(ctx)).ontology.version;
  }

  async annotate(genes: AnnotationGene[], ctx: SourceRunContext): Promise<AnnotationOutcomes> {
    const { ontology, genes: index } = await this.load(ctx);
    const rules = this.rules;
    const outcomes: AnnotationOutcomes = new Map();
    for (const gene of genes) {
      const found =
        (gene.ncbi_gene_id ? index.byNcbi.get(gene.ncbi_gene_id) : undefined) ??
        index.bySymbol.get(gene.symbol.toUpperCase());
      outcomes.set(gene.id, this.outcome(gene, found, ontology, rules));
    }
    return outcomes;
  }

  override finish(): void {
    this.files.release();
  }

  private outcome(
    gene: AnnotationGene,
    found: GeneTerms | undefined,
    ontology: HpoOntology,
    rules: HpoClassificationRules,
  ): AnnotationOutcome {
    if (!found) {
      return noData(`HPO lists no phenotypes for ${gene.symbol}`);
    }
    return annotated(hpoAnnotation(found, ontology, rules));
  }

  private load(ctx: SourceRunContext) {
    return this.files.get(ctx.runId, async () => {
      const { hpo } = this.kit.config.sources;
      ctx.progress({ current: 'HPO ontology' });
      // Tens of MB: never cached, parsed once per run.
      const ontology = new HpoOntology(
        await this.text(this.upstream('hpo', hpo.ontologyUrl, '/obo/hp.json'), { ttl: 0 }),
      );
      ctx.progress({ current: 'HPO genes_to_phenotype' });
      // Streamed line by line: only the per-gene index is held, never the file.
      const genes = await this.stream(
        this.upstream('hpo', hpo.genesToPhenotypeUrl, '/obo/hp/hpoa/genes_to_phenotype.txt'),
        async (body) => {
          const indexer = new GeneTermsIndexer();
          await textLines(body, (lines) => indexer.push(lines));
          return indexer.finish();
        },
        { signal: ctx.signal },
      );
      if (genes.byNcbi.size === 0) {
        throw new Error('genes_to_phenotype: no usable rows');
      }
      if (genes.skipped > 0) {
        this.logger.warn(`genes_to_phenotype: ${genes.skipped} of ${genes.rows} rows skipped`);
      }
      await this.writeLibrary(ontology, genes);
      return { ontology, genes };
    });
  }

  /**
   * The HPO gene-set library for enrichment: every local gene the file lists (by NCBI gene
   * id, then symbol), under each of its phenotypic-abnormality terms and all their
   * ancestors below "Phenotypic abnormality" (true-path rule), term names from the
   * ontology. Inheritance, onset and frequency terms are not phenotypes and are left out.
   */
  private async writeLibrary(ontology: HpoOntology, index: GeneTermsIndex): Promise<void> {
    const matcher = await this.geneSets.matcher();
    const inBranch = (term: string) =>
      term !== PHENOTYPIC_ABNORMALITY && ontology.under(term, [PHENOTYPIC_ABNORMALITY]);
    const direct = new Map<number, string[]>();
    for (const gene of index.byNcbi.values()) {
      const id = matcher.byNcbi(gene.ncbiGeneId) ?? matcher.bySymbol(gene.symbol);
      if (id !== undefined) {
        direct.set(id, [...(direct.get(id) ?? []), ...[...gene.terms.keys()].filter(inBranch)]);
      }
    }
    const genesOf = propagateTerms(direct, (term) =>
      [...ontology.ancestors(term)].filter(inBranch),
    );
    const terms: GeneSetTerm[] = [...genesOf].map(([id, genes]) => ({
      id,
      name: ontology.name(id) ?? id,
      genes: [...genes],
    }));
    const written = await this.geneSets.replaceLibrary(
      { name: 'HPO', source: this.declaration.name, version: ontology.version },
      terms,
    );
    this.logger.log({ library: 'HPO', ...written }, 'HPO gene-set library written');
  }
}
