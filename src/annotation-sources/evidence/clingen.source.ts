import { Injectable } from '@nestjs/common';
import { EvidenceSource, type SourceRunContext } from '../base/base-annotation-source.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import { parseClinGenCsv } from './clingen.parser.js';
import type { ParseResult } from './evidence-record.js';

/** ClinGen gene–disease validity: the CSV download, kidney expert panels or keywords. */
@Injectable()
export class ClinGenSource extends EvidenceSource {
  readonly name = 'ClinGen';
  readonly namespace = 'clingen';

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  async *batches(ctx: SourceRunContext): AsyncGenerator<ParseResult> {
    const { url, expertPanels, keywords } = this.kit.config.sources.clingen;
    if (ctx.force) await this.clearCache();
    const csv = await this.text(this.upstream('clingen', url, '/kb/gene-validity/download'));
    yield parseClinGenCsv(csv, { expertPanels, keywords });
  }
}
