import { Injectable } from '@nestjs/common';

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
  constructor(private readonly repository: SourceRegistryRepository) {}

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

  remove(name: string): Promise<boolean> {
    return this.repository.remove(name);
  }
}
