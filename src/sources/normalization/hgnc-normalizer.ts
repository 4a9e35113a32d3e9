import { Injectable, Logger } from '@nestjs/common';

import { HGNC_ID } from '../../common/evidence/evidence-record.js';
import { GENE_SYMBOL } from '../../common/evidence/gene-identifiers.js';
import { AppConfig } from '../../config/index.js';
import { EvidenceWriter, type IngestRecord } from '../../genes/evidence/evidence-writer.service.js';
import { SnapshotServer } from '../snapshot/snapshot.server.js';
import { UpstreamPayloadError } from '../upstream/upstream.errors.js';
import { UpstreamHttp } from '../upstream/upstream-http.service.js';

interface HgncDoc {
  hgnc_id: string;
  symbol: string;
  name?: string;
  alias_symbol?: string[];
  prev_symbol?: string[];
  status?: string;
}

interface HgncEnvelope {
  response?: { numFound?: number; docs?: HgncDoc[] };
}

export interface NormalizationReport {
  /** Distinct symbols that were unknown locally and were looked up at HGNC. */
  looked_up: number;
  /** Of those, how many HGNC resolved to exactly one gene, by how they matched. */
  resolved: { symbol: number; prev_symbol: number; alias_symbol: number };
  /** Symbols HGNC knows as a previous symbol or alias of several genes: left for curators. */
  ambiguous: string[];
  /** Set when HGNC could not be reached; the records were stored unresolved (staged). */
  error: string | null;
}

/**
 * Resolves symbols that no local gene answers to (approved symbol or alias) against the
 * HGNC REST API: approved symbols in batches, then previous symbols and aliases one
 * term at a time (search results do not say which term matched). A term matching several
 * genes is never resolved to the first: the record stays unresolved and goes to staging.
 * Every call goes through the shared upstream client (rate limit, retry, cache).
 */
@Injectable()
export class HgncNormalizer {
  private readonly logger = new Logger(HgncNormalizer.name);
  private readonly liveUrl: string;
  private readonly enabled: boolean;
  private readonly batchSize: number;

  constructor(
    private readonly http: UpstreamHttp,
    private readonly ingest: EvidenceWriter,
    private readonly snapshot: SnapshotServer,
    config: AppConfig,
  ) {
    const { hgnc } = config.sources;
    this.enabled = hgnc.normalize;
    this.batchSize = hgnc.batchSize;
    this.liveUrl = hgnc.url.replace(/\/$/, '');
  }

  /** Resolved per call: the snapshot server only has a port once the module has started. */
  private get base(): string {
    return this.snapshot.enabled ? this.snapshot.urlFor('hgnc') : this.liveUrl;
  }

  /**
   * Returns the records with `hgncId` (and the approved symbol) filled in wherever HGNC
   * gave one unambiguous answer; other records come back unchanged.
   */
  async normalize(
    source: string,
    records: IngestRecord[],
  ): Promise<{ records: IngestRecord[]; report: NormalizationReport }> {
    const report: NormalizationReport = {
      looked_up: 0,
      resolved: { symbol: 0, prev_symbol: 0, alias_symbol: 0 },
      ambiguous: [],
      error: null,
    };
    if (!this.enabled) {
      return { records, report };
    }
    const unknown = await this.locallyUnknown(records);
    report.looked_up = unknown.length;
    if (unknown.length === 0) {
      return { records, report };
    }

    const found = new Map<string, HgncDoc>();
    try {
      for (let i = 0; i < unknown.length; i += this.batchSize) {
        const batch = unknown.slice(i, i + this.batchSize);
        const docs = await this.search(source, batch);
        for (const doc of docs) {
          const key = doc.symbol.toUpperCase();
          if (batch.includes(key) && !found.has(key)) {
            found.set(key, doc);
            report.resolved.symbol += 1;
          }
        }
      }
      for (const term of unknown) {
        if (found.has(term)) {
          continue;
        }
        for (const field of ['prev_symbol', 'alias_symbol'] as const) {
          const docs = (await this.fetch(source, field, term)).filter(
            (d) => d.status === undefined || d.status === 'Approved',
          );
          if (docs.length === 1) {
            found.set(term, docs[0]);
            report.resolved[field] += 1;
            break;
          }
          if (docs.length > 1) {
            report.ambiguous.push(term);
            break;
          }
        }
      }
    } catch (error) {
      // HGNC down: what was resolved so far is used, the rest is staged for later.
      report.error = error instanceof Error ? error.message : String(error);
      this.logger.warn({ source, err: error }, 'HGNC normalization incomplete');
    }
    this.logger.log({ source, ...report }, 'symbols normalized against HGNC');
    return {
      records: records.map((r) => {
        if (r.hgncId) {
          return r;
        }
        const doc = found.get(r.symbol.trim().toUpperCase());
        if (!doc) {
          return r;
        }
        return {
          ...r,
          symbol: doc.symbol,
          hgncId: doc.hgnc_id,
          gene: {
            name: doc.name ?? null,
            aliases: doc.alias_symbol ?? [],
            previousSymbols: doc.prev_symbol ?? [],
          },
        };
      }),
      report,
    };
  }

  /** Upper-cased, de-duplicated symbols without an HGNC id that no local gene matches. */
  private async locallyUnknown(records: IngestRecord[]): Promise<string[]> {
    const candidates = new Set<string>();
    for (const r of records) {
      const symbol = r.symbol.trim().toUpperCase();
      if (!r.hgncId && GENE_SYMBOL.test(symbol)) {
        candidates.add(symbol);
      }
    }
    return this.ingest.locallyUnknown([...candidates].sort());
  }

  private async search(source: string, terms: string[]): Promise<HgncDoc[]> {
    const query = terms.map(encodeURIComponent).join('+OR+');
    return this.docs(source, `${this.base}/search/symbol/${query}`);
  }

  private async fetch(source: string, field: string, term: string): Promise<HgncDoc[]> {
    return this.docs(source, `${this.base}/fetch/${field}/${encodeURIComponent(term)}`);
  }

  private async docs(source: string, url: string): Promise<HgncDoc[]> {
    const body = await this.http.json<HgncEnvelope>({
      url,
      source: `${source}/HGNC`,
      namespace: 'hgnc',
    });
    const docs = body?.response?.docs;
    if (!Array.isArray(docs)) {
      throw new UpstreamPayloadError(`HGNC: ${url} has no response.docs`, { url });
    }
    return docs.filter(
      (d): d is HgncDoc =>
        typeof d?.hgnc_id === 'string' &&
        HGNC_ID.test(d.hgnc_id) &&
        typeof d.symbol === 'string' &&
        d.symbol.length > 0,
    );
  }
}
