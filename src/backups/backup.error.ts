import { HttpStatus } from '@nestjs/common';

import { DomainError } from '../common/errors/index.js';

/** The backup cannot be restored as it is (its file, checksum, schema or state). */
export class BackupNotRestorableError extends DomainError {
  readonly status = HttpStatus.CONFLICT;

  constructor(
    readonly code:
      | 'BACKUP_NOT_COMPLETED'
      | 'BACKUP_FILE_MISSING'
      | 'BACKUP_CHECKSUM_MISMATCH'
      | 'BACKUP_SCHEMA_MISMATCH'
      | 'BACKUP_METHOD_UNAVAILABLE'
      | 'BACKUP_ARCHIVE_INVALID',
    message: string,
  ) {
    super(message);
  }
}

export class BackupBusyError extends DomainError {
  readonly code = 'BACKUP_BUSY';
  readonly status = HttpStatus.CONFLICT;
}

/** A restore is replacing the data: retry once it is done. */
export class MaintenanceError extends DomainError {
  readonly code = 'MAINTENANCE';
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;

  constructor() {
    super('A backup is being restored; retry shortly', undefined, { 'Retry-After': '10' });
  }
}
