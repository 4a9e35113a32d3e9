import type { UploadLimits } from '../../src/uploads/upload-limits.js';

/** Upload limits for parser tests: small row, cell and gene limits unless overridden. */
export function testUploadLimits(overrides: Partial<UploadLimits> = {}): UploadLimits {
  return {
    maxFileBytes: 50 * 1024 * 1024,
    maxDecompressedBytes: 32 * 1024 * 1024,
    maxRows: 1000,
    maxCellChars: 1000,
    maxGenes: 100,
    parseTimeoutMs: 30_000,
    ...overrides,
  };
}
