import { Injectable, Logger } from '@nestjs/common';

import { isTransientConflict } from '../../common/errors/index.js';
import { EVIDENCE_MERGERS } from '../../common/evidence/evidence-merge.js';
import type { Transaction } from '../../database/transaction.js';
import { type GeneCandidate, GenesRepository } from '../genes.repository.js';
import { StagingRepository } from '../staging/staging.repository.js';
import { EvidenceRepository } from './evidence.repository.js';

export interface IngestRecord {
  symbol: string;
  hgncId: string | null;
  data: Record<string, unknown>;
  detail: string;
  /** What is known about the gene when it has to be created (from HGNC). */
  gene?: { name: string | null; aliases: string[]; previousSymbols: string[] };
}

export interface IngestOptions {
  /** How urgently a curator should look at the source's unresolved symbols (its declaration's). */
  stagingPriority: number;
}

export interface IngestResult {
  added: number;
  updated: number;
  staged: number;
  created_genes: number;
}

function hgncNumber(hgncId: string): number {
  return Number(hgncId.slice(5));
}

/** Records stored per transaction. */
const CHUNK = 500;

type Resolution =
  | { geneId: number; created: boolean }
  | { stage: 'unknown' | 'ambiguous' | 'conflict'; candidates: GeneCandidate[] };

/**
 * The one writer of `gene_evidence`. Stores a source's evidence: one row per gene and source. A record with an HGNC id is
 * attached to that gene (created if new); one with only a symbol must resolve to exactly
 * one local gene by symbol, alias or previous symbol, otherwise it waits in staging with
 * its evidence. Lookups and writes are set-based, one transaction per chunk, so a crash
 * leaves whole chunks. Accumulating sources (see EVIDENCE_MERGERS) merge into the stored
 * row. Scores are refreshed once at the end.
 */
@Injectable()
export class EvidenceWriter {
  private readonly logger = new Logger(EvidenceWriter.name);

  constructor(
    private readonly genes: GenesRepository,
    private readonly staging: StagingRepository,
    private readonly evidence: EvidenceRepository,
  ) {}

  /** Creates or replaces one gene's evidence from a source (merged for accumulating sources); true when created. */
  async upsertOne(
    geneId: number,
    source: string,
    data: Record<string, unknown>,
    detail: string | null,
  ): Promise<boolean> {
    const [inserted] = await this.evidence.transaction((manager) =>
      this.evidence.upsertMany(manager, source, new Map([[geneId, { data, detail }]])),
    );
    return inserted;
  }

  /**
   * Takes `identifier` (a provider, a publication) out of the `field` object of every row
   * of an accumulating source, inside the caller's transaction: a row left empty is deleted.
   */
  async removeIdentifier(
    manager: Transaction,
    source: string,
    field: string,
    identifier: string,
  ): Promise<{ genes_updated: number; genes_removed: number }> {
    const merger = EVIDENCE_MERGERS[source];
    if (!merger?.remove) {
      throw new Error(`${source} evidence cannot be taken out by identifier`);
    }
    const rows = await this.evidence.rowsWithIdentifier(manager, source, field, identifier);
    const result = { genes_updated: 0, genes_removed: 0 };
    for (const row of rows) {
      const left = merger.remove(row.evidence_data, identifier);
      if (left === null) {
        await this.evidence.deleteRow(manager, row.id);
        result.genes_removed += 1;
      } else {
        await this.evidence.replaceRow(manager, row.id, left, merger.detail(left));
        result.genes_updated += 1;
      }
    }
    return result;
  }

  /** Every identifier in a source's `field` objects, with its gene count and last change. */
  identifiers(source: string, field: string) {
    return this.evidence.identifiers(source, field);
  }

  /** Genes with evidence from `source`. */
  countGenes(source: string): Promise<number> {
    return this.evidence.countGenes(source);
  }

  /** Of `values`, those some stored row of `source` lists in its `field` array. */
  listedIn(source: string, field: string, values: string[]): Promise<Set<string>> {
    return this.evidence.listedIn(source, field, values);
  }

  /** Of `symbols`, those no local gene answers to by approved symbol, alias or previous symbol. */
  async locallyUnknown(symbols: Iterable<string>): Promise<string[]> {
    const list = [...symbols];
    const matches = await this.genes.matchSymbols(list);
    return list.filter((s) => (matches.get(s.toUpperCase()) ?? []).length === 0);
  }

  /**
   * Stores `records` in chunks of one transaction each. The caller marks the scores dirty
   * once when its whole run ends (whatever was written before a failure included).
   */
  async ingest(
    source: string,
    records: IngestRecord[],
    options: IngestOptions,
  ): Promise<IngestResult> {
    const result: IngestResult = { added: 0, updated: 0, staged: 0, created_genes: 0 };
    for (let i = 0; i < records.length; i += CHUNK) {
      const chunk = records.slice(i, i + CHUNK);
      const stored = await this.inTransaction(source, (manager) =>
        this.ingestWith(manager, source, chunk, options),
      );
      for (const key of Object.keys(result) as (keyof IngestResult)[]) {
        result[key] += stored[key];
      }
    }
    this.logger.log({ source, ...result }, 'evidence ingested');
    return result;
  }

  /**
   * Runs `work` in a transaction, again (up to 3 times) when PostgreSQL rolled it back
   * for a deadlock: sources storing at once can still meet on the same new genes.
   */
  private async inTransaction<T>(
    source: string,
    work: (manager: Transaction) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.evidence.transaction(work);
      } catch (error) {
        if (!isTransientConflict(error) || attempt >= 3) {
          throw error;
        }
        this.logger.warn({ source, attempt }, 'evidence chunk rolled back by a deadlock; again');
      }
    }
  }

  /**
   * Stores `records` with `manager` (inside the caller's transaction). The caller marks
   * the scores dirty once it commits.
   */
  async ingestWith(
    manager: Transaction,
    source: string,
    records: IngestRecord[],
    options: IngestOptions,
  ): Promise<IngestResult> {
    const result: IngestResult = { added: 0, updated: 0, staged: 0, created_genes: 0 };
    const resolutions = await this.resolveAll(manager, records);
    const byGene = new Map<number, { data: Record<string, unknown>; detail: string }>();
    const merger = EVIDENCE_MERGERS[source];
    const created = new Set<number>();
    for (const [index, record] of records.entries()) {
      const resolved = resolutions[index];
      if ('stage' in resolved) {
        await this.staging.upsertPending(
          {
            source,
            text: record.symbol,
            reason: resolved.stage,
            candidates: resolved.candidates.map(({ id, hgnc_id, approved_symbol }) => ({
              id,
              hgnc_id,
              approved_symbol,
            })),
            data: record.data,
            detail: record.detail,
            priority: options.stagingPriority,
          },
          manager,
        );
        result.staged += 1;
        continue;
      }
      if (resolved.created) {
        created.add(resolved.geneId);
      }
      const prior = byGene.get(resolved.geneId);
      if (prior && merger) {
        const data = merger.merge(prior.data, record.data);
        byGene.set(resolved.geneId, { data, detail: merger.detail(data) });
      } else {
        if (prior) {
          this.logger.warn(
            { source, gene_id: resolved.geneId, symbol: record.symbol },
            'two records of one run name the same gene; the later one is kept',
          );
        }
        byGene.set(resolved.geneId, { data: record.data, detail: record.detail });
      }
    }
    const inserted = await this.evidence.upsertMany(manager, source, byGene);
    result.added = inserted.filter(Boolean).length;
    result.updated = inserted.length - result.added;
    result.created_genes = created.size;
    return result;
  }

  private async resolveAll(manager: Transaction, records: IngestRecord[]): Promise<Resolution[]> {
    // New genes are inserted in HGNC id order, the same in every transaction, so two
    // sources storing at once do not wait on each other's genes in opposite orders.
    const withId = records
      .filter((r) => r.hgncId !== null)
      .sort((a, b) => hgncNumber(a.hgncId!) - hgncNumber(b.hgncId!));
    const known = await this.genes.idsByHgncId(
      withId.map((r) => r.hgncId!),
      manager,
    );
    const created = new Set<number>();
    const clashes = new Map<string, GeneCandidate[]>();
    for (const record of withId) {
      if (known.has(record.hgncId!)) {
        continue;
      }
      const id = await this.genes.insertGeneIfAbsent(
        {
          hgncId: record.hgncId!,
          symbol: record.symbol,
          name: record.gene?.name ?? null,
          aliases: record.gene?.aliases ?? [],
          previousSymbols: record.gene?.previousSymbols ?? [],
        },
        manager,
      );
      if (id !== null) {
        known.set(record.hgncId!, id);
        created.add(id);
        continue;
      }
      // Another transaction created it meanwhile, or the symbol belongs to another gene.
      const again = await this.genes.idsByHgncId([record.hgncId!], manager);
      const existing = again.get(record.hgncId!);
      if (existing !== undefined) {
        known.set(record.hgncId!, existing);
      } else {
        clashes.set(
          record.hgncId!,
          (await this.genes.matchSymbols([record.symbol], manager)).get(
            record.symbol.toUpperCase(),
          ) ?? [],
        );
      }
    }
    const symbolOnly = records.filter((r) => r.hgncId === null).map((r) => r.symbol);
    const matches =
      symbolOnly.length > 0
        ? await this.genes.matchSymbols(symbolOnly, manager)
        : new Map<string, GeneCandidate[]>();
    return records.map((record): Resolution => {
      if (record.hgncId !== null) {
        const geneId = known.get(record.hgncId);
        if (geneId !== undefined) {
          return { geneId, created: created.has(geneId) };
        }
        return { stage: 'conflict', candidates: clashes.get(record.hgncId) ?? [] };
      }
      const found: GeneCandidate[] = matches.get(record.symbol.toUpperCase()) ?? [];
      if (found.length === 1) {
        return { geneId: found[0].id, created: false };
      }
      if (found.length > 1) {
        return { stage: 'ambiguous', candidates: found };
      }
      return { stage: 'unknown', candidates: [] };
    });
  }
}
