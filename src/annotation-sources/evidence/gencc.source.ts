import { Injectable } from '@nestjs/common';
import { EvidenceSource, type SourceRunContext } from '../base/base-annotation-source.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import type { ParseResult } from './evidence-record.js';
import { parseGenccDelimited } from './gencc.parser.js';

/** GenCC: the submissions export, every kidney submission with its submitter. */
@Injectable()
export class GenccSource extends EvidenceSource {
  readonly name = 'GenCC';
  readonly namespace = 'gencc';

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  async *batches(ctx: SourceRunContext): AsyncGenerator<ParseResult> {
    const { gencc, kidneyKeywords } = this.kit.config.sources;
    if (ctx.force) await this.clearCache();
    const body = await this.text(
      this.upstream('gencc', gencc.url, '/download/action/submissions-export-tsv'),
    );
    yield parseGenccDelimited(body, kidneyKeywords);
  }
}
