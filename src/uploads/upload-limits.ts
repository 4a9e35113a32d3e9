/**
 * The bounds on what one upload may make the service do. Plain data and a plain error,
 * so the parsing worker thread can use them without loading Nest.
 */
export interface UploadLimits {
  readonly maxFileBytes: number;
  /** Total an XLSX workbook's XML parts may inflate to. */
  readonly maxDecompressedBytes: number;
  /** Data rows, the header not counted. */
  readonly maxRows: number;
  readonly maxCellChars: number;
  /** Distinct genes once repeated symbols are merged. */
  readonly maxGenes: number;
  readonly parseTimeoutMs: number;
}

/** The parsing worker's heap; a file that needs more is refused like one over a limit. */
export const PARSE_WORKER_HEAP_MB = 256;

/** Parts of a multipart upload form: the file plus `identifier` and `mode`, with room to spare. */
export const UPLOAD_FORM_LIMITS = { files: 1, fields: 8, parts: 10, fieldSize: 4096 } as const;

export type UploadLimitName =
  | 'file_size'
  | 'decompressed_size'
  | 'rows'
  | 'cell_length'
  | 'genes'
  | 'form_parts'
  | 'parse_time'
  | 'parse_memory';

/** The variable that sets each limit, named in the error so an operator knows what to raise. */
export const LIMIT_VARIABLES: Readonly<Record<UploadLimitName, string | null>> = {
  file_size: 'UPLOAD_MAX_MB',
  decompressed_size: 'UPLOAD_MAX_DECOMPRESSED_MB',
  rows: 'UPLOAD_MAX_ROWS',
  cell_length: 'UPLOAD_MAX_CELL_CHARS',
  genes: 'UPLOAD_MAX_GENES',
  form_parts: null,
  parse_time: 'UPLOAD_PARSE_TIMEOUT_MS',
  parse_memory: null,
};

/** An upload is over one of its limits; the message says which and by how much. */
export class UploadLimitExceeded extends Error {
  constructor(
    readonly limit: UploadLimitName,
    readonly max: number,
    message: string,
  ) {
    super(message);
    this.name = 'UploadLimitExceeded';
  }
}

export function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
