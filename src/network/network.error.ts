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

/** Every clustering slot is busy and enough requests already wait for one. */
export class NetworkBusyError extends DomainError {
  readonly code = 'NETWORK_BUSY';
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;

  constructor(waiting: number, retryAfterSeconds: number) {
    super(
      `${waiting} network clusterings are already waiting; retry in ${retryAfterSeconds} s`,
      { retry_after_seconds: retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

/** A clustering ran past its time or memory limit: the network is too large to cluster. */
export class NetworkTooLargeError extends DomainError {
  readonly code = 'NETWORK_TOO_LARGE';
  readonly status = HttpStatus.UNPROCESSABLE_ENTITY;

  constructor(limit: 'time' | 'memory', max: number, nodes: number, edges: number) {
    super(
      `clustering ${nodes} genes and ${edges} interactions needs more than ${max} ${limit === 'time' ? 'ms' : 'MB'}; send fewer genes or raise min_string_score`,
      { limit, max, nodes, edges },
    );
  }
}
