import { Injectable } from '@nestjs/common';

import { EvidenceRepository } from '../evidence/evidence.repository.js';
import { ScoreRefresher } from '../scoring/score-refresher.service.js';
import {
  type OrphanRow,
  type RegistryRow,
  type SourceRegistration,
  SourceRegistryRepository,
} from './source-registry.repository.js';

export type { OrphanRow, RegistryRow, SourceRegistration };

/**
 * The `data_sources` registry for other modules: which sources exist, with their display
 * metadata and status. What the code defines is decided by the caller (the admin module
 * asks every source module); this service only stores it.
 */
@Injectable()
export class SourceRegistryService {
  constructor(
    private readonly repository: SourceRegistryRepository,
    private readonly evidence: EvidenceRepository,
    private readonly scores: ScoreRefresher,
  ) {}

  /** Upserts the definitions; returns the names of rows nothing defines (orphans). */
  register(sources: readonly SourceRegistration[]): Promise<string[]> {
    return this.repository.register(sources);
  }

  list(): Promise<RegistryRow[]> {
    return this.repository.list();
  }

  orphans(defined: readonly string[]): Promise<OrphanRow[]> {
    return this.repository.orphans(defined);
  }

  /**
   * Removes a source's row and every evidence row it left, in one transaction, then has
   * the scores (and the caches that hold them) refreshed; null when there is no such row.
   */
  async remove(name: string): Promise<{ evidence_removed: number } | null> {
    const removed = await this.repository.transaction(async (tx) => {
      const evidence = await this.evidence.deleteSource(tx, name);
      return (await this.repository.remove(name, tx)) ? evidence : null;
    });
    if (removed === null) {
      return null;
    }
    if (removed > 0) {
      this.scores.markDirty();
    }
    return { evidence_removed: removed };
  }
}
