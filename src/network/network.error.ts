import { HttpStatus } from '@nestjs/common';

import { DomainError } from '../common/errors/index.js';

/** None of the requested gene ids exists. */
export class NoValidGenesError extends DomainError {
  readonly code = 'NO_VALID_GENES';
  readonly status = HttpStatus.NOT_FOUND;

  constructor(ids: readonly number[]) {
    super('No valid genes found', { gene_ids: ids.slice(0, 20), requested: ids.length });
  }
}

/**
 * The gene-set library an enrichment needs has not been loaded yet (its annotation source
 * has not run): an error, never an empty success that reads as "nothing significant".
 */
export class LibraryNotLoadedError extends DomainError {
  readonly code = 'LIBRARY_NOT_LOADED';
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;

  constructor(library: string, source: string) {
    super(
      `The ${library} gene-set library is not loaded yet: an admin runs the ${source} annotation source (POST /api/annotations/pipeline/update), then retry`,
      { library, source },
      { 'Retry-After': '300' },
    );
  }
}
