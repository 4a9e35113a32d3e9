import { HttpStatus } from '@nestjs/common';

import { DomainError } from '../../common/errors/index.js';

export const EXPORT_FORMATS = ['csv', 'tsv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The media type of each format, in the order `Accept` negotiation prefers them. */
export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
};

/** The `Accept` header admits none of the export's media types. */
export class NotAcceptableError extends DomainError {
  readonly code = 'NOT_ACCEPTABLE';
  readonly status = HttpStatus.NOT_ACCEPTABLE;

  constructor() {
    const supported = Object.values(EXPORT_MEDIA_TYPES);
    super(`Accept admits none of the export formats: ${supported.join(', ')} (or use ?format=)`, {
      supported,
      formats: [...EXPORT_FORMATS],
    });
  }
}

/**
 * The format an export is sent in: `format` when given, else the first of the export's
 * media types the `Accept` header prefers (`accepts` is Express's `req.accepts`, which
 * answers the first listed for a missing or `*\/*` header: CSV).
 */
export function negotiateFormat(
  format: ExportFormat | undefined,
  accepts: (types: string[]) => string | false,
): ExportFormat {
  if (format) {
    return format;
  }
  const chosen = accepts(Object.values(EXPORT_MEDIA_TYPES));
  const found = EXPORT_FORMATS.find((f) => EXPORT_MEDIA_TYPES[f] === chosen);
  if (!found) {
    throw new NotAcceptableError();
  }
  return found;
}

/** `kidney-genetics-db_genes_<YYYY-MM-DD>.<format>`, dated in UTC. */
export function exportFilename(format: ExportFormat, now = new Date()): string {
  return `kidney-genetics-db_genes_${now.toISOString().slice(0, 10)}.${format}`;
}

/** Seconds a client refused for lack of an export slot is asked to wait. */
export const EXPORTS_BUSY_RETRY_SECONDS = 5;

/** 503 while this instance already streams as many exports as it allows. */
export class ExportsBusyError extends DomainError {
  readonly code = 'EXPORTS_BUSY';
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;

  constructor(running: number) {
    super(
      `${running} downloads are already in progress; retry in ${EXPORTS_BUSY_RETRY_SECONDS} s`,
      { running, retry_after_seconds: EXPORTS_BUSY_RETRY_SECONDS },
      { 'Retry-After': String(EXPORTS_BUSY_RETRY_SECONDS) },
    );
  }
}
