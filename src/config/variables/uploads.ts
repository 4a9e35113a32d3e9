import { group, int } from '../declare.js';

export const uploadVariables = group({
  title: 'Curator uploads',
  doc: 'Limits on one uploaded file; over a limit the upload gets 413 PAYLOAD_TOO_LARGE, its details naming the limit.',
  variables: {
    UPLOAD_MAX_MB: int({
      default: 50,
      min: 1,
      max: 1024,
      doc: 'largest upload file (MB); larger ones get 413 `PAYLOAD_TOO_LARGE`',
    }),
    UPLOAD_MAX_DECOMPRESSED_MB: int({
      default: 32,
      min: 1,
      max: 4096,
      doc: 'total an XLSX upload may inflate to (MB), checked while inflating; 413',
    }),
    UPLOAD_MAX_ROWS: int({ default: 100000, min: 1, doc: 'rows per uploaded file; 413' }),
    UPLOAD_MAX_CELL_CHARS: int({
      default: 10000,
      min: 16,
      doc: 'characters per cell (or JSON field) of an upload; 413',
    }),
    UPLOAD_MAX_GENES: int({
      default: 25000,
      min: 1,
      doc: 'distinct genes per upload, after repeated symbols are merged; 413',
    }),
    UPLOAD_PARSE_TIMEOUT_MS: int({
      default: 30000,
      min: 100,
      doc: 'how long the worker thread may parse one upload before it is stopped; 413',
    }),
  },
});
