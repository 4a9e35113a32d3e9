import { HttpStatus, Injectable } from '@nestjs/common';

import { DomainError } from '../../common/errors/index.js';
import { GenesService } from '../../genes/genes.service.js';
import { HgncNormalizer } from './hgnc-normalizer.js';

export interface NormalizationProbe {
  success: boolean;
  result: {
    approved_symbol: string;
    hgnc_id: string;
    /** `local_symbol`, `local_alias`, … when a stored gene answered; `hgnc_*` when HGNC did. */
    method: string;
  } | null;
  error: string | null;
}

/**
 * What normalization would make of one gene text, without storing anything: the stored
 * genes first (approved symbol, alias, ids), then the HGNC normalizer the pipeline and
 * uploads use. For the curators' "test" box on the Staging page.
 */
@Injectable()
export class NormalizationProbeService {
  constructor(
    private readonly genes: GenesService,
    private readonly hgnc: HgncNormalizer,
  ) {}

  async probe(geneText: string, source: string): Promise<NormalizationProbe> {
    const text = geneText.trim();
    try {
      const local = await this.genes.resolve(text);
      if (local.data) {
        const { approved_symbol, hgnc_id, match_type } = local.data.attributes;
        return {
          success: true,
          result: { approved_symbol, hgnc_id, method: `local_${match_type}` },
          error: null,
        };
      }
      const names = local.meta.candidates?.map((c) => c.approved_symbol).join(', ');
      return { success: false, result: null, error: `ambiguous: matches ${names}` };
    } catch (error) {
      if (!(error instanceof DomainError) || error.status !== HttpStatus.NOT_FOUND) {
        throw error;
      }
    }
    const { records, report } = await this.hgnc.normalize(source, [
      { symbol: text, hgncId: null, data: {}, detail: '' },
    ]);
    const [record] = records;
    if (record.hgncId) {
      const how = (Object.keys(report.resolved) as (keyof typeof report.resolved)[]).find(
        (k) => report.resolved[k] > 0,
      );
      return {
        success: true,
        result: { approved_symbol: record.symbol, hgnc_id: record.hgncId, method: `hgnc_${how}` },
        error: null,
      };
    }
    if (report.ambiguous.length > 0) {
      return { success: false, result: null, error: 'ambiguous at HGNC: several genes match' };
    }
    if (report.error) {
      return { success: false, result: null, error: 'HGNC could not be reached' };
    }
    return {
      success: false,
      result: null,
      error:
        report.looked_up === 0
          ? 'no stored gene matches, and HGNC was not asked (not a symbol, or HGNC lookups are off)'
          : 'no gene matches',
    };
  }
}
