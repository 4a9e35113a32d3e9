import { isUniqueViolation } from '../../common/errors/index.js';
import { Injectable, Logger } from '@nestjs/common';
import { GenesRepository } from '../genes.repository.js';
import { ScoreRefresher } from '../scoring/score-refresher.service.js';
import { StagingRepository, type StagingRow } from './staging.repository.js';

export interface IngestRecord {
  symbol: string;
  hgncId: string | null;
  data: Record<string, unknown>;
  detail: string;
  /** What is known about the gene when it has to be created (from HGNC). */
  gene?: { name: string | null; aliases: string[]; previousSymbols: string[] };
}

export interface IngestResult {
  added: number;
  updated: number;
  staged: number;
  created_genes: number;
}

/** How urgently a curator should look at an unresolved symbol, by the source's weight. */
const SOURCE_PRIORITY: Record<string, number> = {
  PanelApp: 100,
  ClinGen: 95,
  HPO: 85,
  GenCC: 80,
  DiagnosticPanels: 75,
  Literature: 60,
  PubTator: 20,
};

/**
 * Stores a source's evidence: one row per gene and source. A record with an HGNC id is
 * attached to that gene (created if new); one with only a symbol must resolve to exactly
 * one local gene by symbol, alias or previous symbol, otherwise it waits in staging with
 * its evidence. Scores are refreshed once at the end.
 */
@Injectable()
export class EvidenceIngestService {
  private readonly logger = new Logger(EvidenceIngestService.name);

  constructor(
    private readonly genes: GenesRepository,
    private readonly staging: StagingRepository,
    private readonly scores: ScoreRefresher,
  ) {}

  /** Of `symbols`, those no local gene answers to by approved symbol, alias or previous symbol. */
  async locallyUnknown(symbols: Iterable<string>): Promise<string[]> {
    const unknown: string[] = [];
    for (const symbol of symbols) {
      if ((await this.localMatches(symbol)).length === 0) unknown.push(symbol);
    }
    return unknown;
  }

  async ingest(source: string, records: IngestRecord[]): Promise<IngestResult> {
    const result: IngestResult = { added: 0, updated: 0, staged: 0, created_genes: 0 };
    try {
      await this.store(source, records, result);
    } finally {
      // Whatever was written before a failure must still reach the scores.
      this.scores.markDirty();
    }
    this.logger.log({ source, ...result }, 'evidence ingested');
    return result;
  }

  private async store(
    source: string,
    records: IngestRecord[],
    result: IngestResult,
  ): Promise<void> {
    for (const record of records) {
      const resolved = await this.resolve(record);
      if ('stage' in resolved) {
        await this.staging.upsertPending({
          source,
          text: record.symbol,
          reason: resolved.stage,
          candidates: resolved.candidates,
          data: record.data,
          detail: record.detail,
          priority: SOURCE_PRIORITY[source] ?? 10,
        });
        result.staged += 1;
        continue;
      }
      if (resolved.created) result.created_genes += 1;
      const inserted = await this.genes.upsertEvidence(
        resolved.geneId,
        source,
        record.data,
        record.detail,
      );
      if (inserted) result.added += 1;
      else result.updated += 1;
    }
  }

  private async resolve(
    record: IngestRecord,
  ): Promise<
    { geneId: number; created: boolean } | { stage: string; candidates: StagingRow['candidates'] }
  > {
    if (record.hgncId) {
      const existing = await this.genes.findIdByHgncId(record.hgncId);
      if (existing !== undefined) return { geneId: existing, created: false };
      try {
        const geneId = await this.genes.insertGene({
          hgncId: record.hgncId,
          symbol: record.symbol,
          name: record.gene?.name ?? null,
          aliases: record.gene?.aliases ?? [],
          previousSymbols: record.gene?.previousSymbols ?? [],
        });
        return { geneId, created: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // The symbol belongs to another gene with a different HGNC id.
        const clash = await this.genes.resolveCandidates('symbol', record.symbol);
        return {
          stage: 'conflict',
          candidates: clash.map(({ id, hgnc_id, approved_symbol }) => ({
            id,
            hgnc_id,
            approved_symbol,
          })),
        };
      }
    }
    const found = await this.localMatches(record.symbol);
    if (found.length === 1) return { geneId: found[0].id, created: false };
    if (found.length > 1) {
      return {
        stage: 'ambiguous',
        candidates: found.map(({ id, hgnc_id, approved_symbol }) => ({
          id,
          hgnc_id,
          approved_symbol,
        })),
      };
    }
    return { stage: 'unknown', candidates: [] };
  }

  /** Genes matching by approved symbol or, when none does, by alias or previous symbol. */
  private async localMatches(symbol: string) {
    const bySymbol = await this.genes.resolveCandidates('symbol', symbol);
    if (bySymbol.length > 0) return bySymbol;
    return this.genes.resolveCandidates('alias', symbol);
  }
}
