import { Injectable } from '@nestjs/common';

import type { ParseResult } from '../../common/evidence/evidence-record.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import { EvidenceSource, type SourceRunContext } from '../base/upstream-source.js';
import type { EvidenceDeclaration } from '../catalog/source-declaration.types.js';
import { descendantsOf, parseGenesToPhenotype } from './hpo.parser.js';

/**
 * HPO: the descendants of the kidney root term from the ontology file, then the bulk
 * gene–phenotype file. The bulk files are large, so their text is not cached; the
 * derived term set is.
 */
@Injectable()
export class HpoSource extends EvidenceSource {
  readonly declaration: EvidenceDeclaration = {
    kind: 'evidence',
    name: 'HPO',
    namespace: 'hpo',
    displayName: 'Human Phenotype Ontology',
    description: 'Genes annotated to descendants of Abnormality of the upper urinary tract',
    url: 'https://hpo.jax.org',
    documentationUrl: 'https://ontology.jax.org/api/docs',
    scoring: {
      rule: 'count',
      sum: [
        ['length', 'hpo_terms'],
        ['length', 'diseases'],
      ],
    },
    stagingPriority: 85,
    runOrder: 10,
    settings: (config) => config.sources.hpo,
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  async *batches(ctx: SourceRunContext): AsyncGenerator<ParseResult> {
    const { hpo } = this.kit.config.sources;
    if (ctx.force) {
      await this.clearCache();
    }
    const terms = await this.kit.cache.wrap(
      { descendants: hpo.rootTerm, of: hpo.ontologyUrl },
      async () => [
        ...descendantsOf(
          await this.text(this.upstream('hpo', hpo.ontologyUrl, '/obo/hp.json'), { ttl: 0 }),
          hpo.rootTerm,
        ),
      ],
      this.namespace,
    );
    ctx.progress({ current: `${terms.length} terms below ${hpo.rootTerm}` });
    const annotations = await this.text(
      this.upstream('hpo', hpo.genesToPhenotypeUrl, '/obo/hp/hpoa/genes_to_phenotype.txt'),
      { ttl: 0 },
    );
    yield parseGenesToPhenotype(annotations, new Set(terms));
  }
}
