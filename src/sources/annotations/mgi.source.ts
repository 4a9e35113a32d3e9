import { Injectable } from '@nestjs/common';

import { mapLimit } from '../../common/map-limit.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import type { SourceRunContext } from '../base/upstream-source.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import { interMineProblem, interMineRows } from '../parsing/intermine.js';
import { obographDescendants, obographRelease, parseObograph } from '../parsing/obographs.js';
import {
  type AnnotationGene,
  type AnnotationOutcomes,
  BatchedAnnotationSource,
  failed,
  PerRun,
  reasonOf,
} from './annotation-source.js';
import {
  GENOTYPE_PHENOTYPE_COLUMNS,
  type GenotypeRow,
  groupOrthologRows,
  hasKidneyPhenotype,
  mgiOutcome,
  ORTHOLOG_PHENOTYPE_COLUMNS,
  type OrthologRow,
} from './mgi-phenotypes.js';

interface KidneyTerms {
  /** The MP release (`meta.version` of mp.json). */
  release: string;
  terms: Set<string>;
}

/**
 * Mouse phenotypes of human genes' orthologs from MGI (`mpo_mgi`). Kidney phenotypes are
 * the MP terms at or below MGI_MP_ROOT_TERM over `is_a` in the MP ontology file (the
 * derived set is cached, not the file). MouseMine answers the template `HGene_MPhenotype`
 * for a batch of human symbols (LOOKUP, comma-separated; no `size`, since `size=0` means
 * zero rows), then `_Genotype_Phenotype` once per mouse ortholog of a gene with a kidney
 * phenotype (CONTAINS takes one string, so orthologs cannot be batched) for the zygosity.
 * The version is the MP release plus the MouseMine release when MouseMine reports one.
 */
@Injectable()
export class MgiAnnotationSource extends BatchedAnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'mpo_mgi',
    namespace: 'mgi',
    displayName: 'MGI mouse phenotypes',
    description: 'Kidney phenotypes of mouse orthologs (MGI, MouseMine)',
    url: 'https://www.informatics.jax.org',
    documentationUrl: 'https://www.mousemine.org/mousemine/api.do',
    mode: 'per-gene',
    // After HGNC, whose identifiers it queries by.
    runOrder: 10,
    settings: (config) => config.sources.annotations.mgi,
  };
  private readonly kidney = new PerRun<KidneyTerms>();

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  private get settings() {
    return this.kit.config.sources.annotations.mgi;
  }

  private get mousemine(): string {
    return this.upstream('mousemine', this.settings.mousemineUrl, '/mousemine/service');
  }

  async version(ctx: SourceRunContext): Promise<string> {
    const { release } = await this.kidneyTerms(ctx);
    const mousemine = await this.mousemineRelease();
    return mousemine ? `MP ${release}; MouseMine ${mousemine}` : `MP ${release}`;
  }

  /** Genes per `HGene_MPhenotype` query; a failed batch is asked gene by gene. */
  protected get batchSize(): number {
    return this.settings.batchSize;
  }

  override finish(): void {
    this.kidney.release();
  }

  protected async lookup(
    genes: AnnotationGene[],
    ctx: SourceRunContext,
  ): Promise<AnnotationOutcomes> {
    const { terms: kidneyTerms } = await this.kidneyTerms(ctx);
    const orthologRows = await this.template<OrthologRow>(
      {
        name: 'HGene_MPhenotype',
        constraint1: 'Gene',
        op1: 'LOOKUP',
        value1: genes.map((g) => g.symbol).join(','),
        extra1: 'H. sapiens',
      },
      ORTHOLOG_PHENOTYPE_COLUMNS,
    );
    const groups = groupOrthologRows(genes, orthologRows);
    // Zygosity only matters for genes with a kidney phenotype; each ortholog asked once.
    const withKidney = new Set(
      genes.filter((g) => hasKidneyPhenotype(groups.get(g.id), kidneyTerms)).map((g) => g.id),
    );
    const genotypes = await this.genotypesOf(
      new Set([...withKidney].flatMap((id) => [...groups.get(id)!.orthologs])),
    );
    const outcomes: AnnotationOutcomes = new Map();
    for (const gene of genes) {
      const group = groups.get(gene.id);
      const rows: GenotypeRow[] = [];
      let problem: string | null = null;
      for (const symbol of withKidney.has(gene.id) ? group!.orthologs : []) {
        const answer = genotypes.get(symbol)!;
        if (answer instanceof Error) {
          problem ??= `zygosity of ${symbol}: ${answer.message}`;
        } else {
          rows.push(...answer);
        }
      }
      outcomes.set(
        gene.id,
        problem ? failed(`MouseMine ${problem}`) : mgiOutcome(gene, group, kidneyTerms, rows),
      );
    }
    return outcomes;
  }

  /** `_Genotype_Phenotype` rows per mouse symbol, or the error its query ended with. */
  private async genotypesOf(
    mouseSymbols: Set<string>,
  ): Promise<Map<string, GenotypeRow[] | Error>> {
    const genotypes = new Map<string, GenotypeRow[] | Error>();
    await mapLimit([...mouseSymbols], this.kit.config.upstream.concurrency, async (symbol) => {
      try {
        genotypes.set(symbol, await this.genotypeRows(symbol));
      } catch (error) {
        genotypes.set(symbol, error instanceof Error ? error : new Error(String(error)));
      }
    });
    return genotypes;
  }

  private genotypeRows(mouseSymbol: string): Promise<GenotypeRow[]> {
    return this.template<GenotypeRow>(
      {
        name: '_Genotype_Phenotype',
        constraint1: 'OntologyAnnotation.subject.symbol',
        op1: 'CONTAINS',
        value1: mouseSymbol,
      },
      GENOTYPE_PHENOTYPE_COLUMNS,
    );
  }

  /** The rows of a template query as records of `columns` (view paths), validated. */
  private async template<R>(
    params: Record<string, string>,
    columns: Readonly<Record<string, string>>,
  ): Promise<R[]> {
    const query = new URLSearchParams({ ...params, format: 'json' });
    const paths = Object.values(columns);
    const body = await this.json<unknown>(
      `${this.mousemine}/template/results?${query.toString()}`,
      {
        validate: (b) => interMineProblem(b, paths),
      },
    );
    return interMineRows(body, columns) as R[];
  }

  /** MouseMine's release label (`/version/release`), or null when it does not say. */
  private async mousemineRelease(): Promise<string | null> {
    try {
      const text = (await this.text(`${this.mousemine}/version/release`, { ttl: 0 })).trim();
      return text.length > 0 && text.length <= 100 && !text.startsWith('<') ? text : null;
    } catch (error) {
      this.logger.warn(`MouseMine release not known: ${reasonOf(error)}`);
      return null;
    }
  }

  /** The kidney MP terms, derived once per ontology URL and root and cached. */
  private kidneyTerms(ctx: SourceRunContext): Promise<KidneyTerms> {
    return this.kidney.get(ctx.runId, async () => {
      const { ontologyUrl, rootTerm } = this.settings;
      const cached = await this.kit.cache.wrap(
        { descendants: rootTerm, of: ontologyUrl },
        async () => {
          ctx.progress({ current: 'MP ontology' });
          // Tens of MB: read once, never cached; only the derived term set is.
          const text = await this.text(this.upstream('mp', ontologyUrl, '/obo/mp.json'), {
            ttl: 0,
          });
          const graph = parseObograph(text, 'MP ontology');
          const terms = obographDescendants(graph, rootTerm);
          if (terms.size <= 1) {
            throw new Error(`MP ontology: no terms below ${rootTerm}`);
          }
          return { release: obographRelease(graph) ?? 'unknown', terms: [...terms] };
        },
        this.namespace,
      );
      ctx.progress({ current: `${cached.terms.length} MP terms at or below ${rootTerm}` });
      return { release: cached.release, terms: new Set(cached.terms) };
    });
  }
}
