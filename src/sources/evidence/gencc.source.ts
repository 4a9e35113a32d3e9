import { Injectable } from '@nestjs/common';

import type { ParseResult } from '../../common/evidence/evidence-record.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import { EvidenceSource, type SourceRunContext } from '../base/upstream-source.js';
import type { EvidenceDeclaration } from '../catalog/source-declaration.types.js';
import { parseGenccDelimited } from './gencc.parser.js';

/** GenCC: the submissions export, every kidney submission with its submitter. */
@Injectable()
export class GenccSource extends EvidenceSource {
  readonly declaration: EvidenceDeclaration = {
    kind: 'evidence',
    name: 'GenCC',
    namespace: 'gencc',
    displayName: 'Gene Curation Coalition',
    description: 'Harmonised gene–disease submissions from multiple curation groups',
    url: 'https://thegencc.org',
    documentationUrl: 'https://thegencc.org/about.html',
    scoring: { rule: 'classification' },
    stagingPriority: 80,
    runOrder: 0,
    settings: (config) => config.sources.gencc,
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  async *batches(ctx: SourceRunContext): AsyncGenerator<ParseResult> {
    const { gencc, kidneyKeywords } = this.kit.config.sources;
    if (ctx.force) {
      await this.clearCache();
    }
    const body = await this.text(
      this.upstream('gencc', gencc.url, '/download/action/submissions-export-tsv'),
    );
    yield parseGenccDelimited(body, kidneyKeywords);
  }
}
