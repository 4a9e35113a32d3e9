import { Injectable } from '@nestjs/common';

import type { ParseResult } from '../../common/evidence/evidence-record.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import { EvidenceSource, type SourceRunContext } from '../base/upstream-source.js';
import type { EvidenceDeclaration } from '../catalog/source-declaration.types.js';
import { parseClinGenCsv } from './clingen.parser.js';

/** ClinGen gene–disease validity: the CSV download, kidney expert panels or keywords. */
@Injectable()
export class ClinGenSource extends EvidenceSource {
  readonly declaration: EvidenceDeclaration = {
    kind: 'evidence',
    name: 'ClinGen',
    namespace: 'clingen',
    displayName: 'ClinGen gene–disease validity',
    description: 'Expert-curated gene–disease validity classifications for kidney diseases',
    url: 'https://search.clinicalgenome.org',
    documentationUrl: 'https://clinicalgenome.org/curation-activities/gene-disease-validity/',
    scoring: { rule: 'classification' },
    stagingPriority: 95,
    runOrder: 0,
    settings: (config) => config.sources.clingen,
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  async *batches(ctx: SourceRunContext): AsyncGenerator<ParseResult> {
    const { url, expertPanels, keywords } = this.kit.config.sources.clingen;
    if (ctx.force) {
      await this.clearCache();
    }
    const csv = await this.text(this.upstream('clingen', url, '/kb/gene-validity/download'));
    yield parseClinGenCsv(csv, { expertPanels, keywords });
  }
}
