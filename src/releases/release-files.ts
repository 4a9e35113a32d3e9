import { createHash, type Hash } from 'node:crypto';

/** The largest piece of a file held in memory while it is written or downloaded. */
export const RELEASE_CHUNK_BYTES = 1024 * 1024;

export type ReleaseFormat = 'json' | 'csv' | 'tsv' | 'manifest';

export const RELEASE_FORMATS: readonly ReleaseFormat[] = ['json', 'csv', 'tsv', 'manifest'];

export const CONTENT_TYPES: Readonly<Record<ReleaseFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  manifest: 'application/json; charset=utf-8',
};

/** `kidney-genetics-db_2025.10.json`, `…_genes.csv`, `…_manifest.json`. */
export function releaseFileName(version: string, format: ReleaseFormat): string {
  const stem = `kidney-genetics-db_${version}`;
  switch (format) {
    case 'json':
      return `${stem}.json`;
    case 'csv':
      return `${stem}_genes.csv`;
    case 'tsv':
      return `${stem}_genes.tsv`;
    case 'manifest':
      return `${stem}_manifest.json`;
  }
}

export interface WrittenFile {
  format: ReleaseFormat;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  chunkCount: number;
}

/**
 * Writes one release file as it is produced: text is encoded, hashed and cut into chunks
 * of RELEASE_CHUNK_BYTES (by default) that `store` persists in order, so a file of any size needs one
 * chunk of memory. `end()` stores the rest and returns the size and SHA-256 of all bytes.
 */
export class ChunkedFileWriter {
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private size = 0;
  private seq = 0;

  constructor(
    readonly format: ReleaseFormat,
    readonly fileName: string,
    private readonly store: (seq: number, data: Buffer) => Promise<void>,
    private readonly chunkBytes = RELEASE_CHUNK_BYTES,
  ) {}

  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    this.hash.update(bytes);
    this.size += bytes.length;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes >= this.chunkBytes) {
      const all = Buffer.concat(this.pending);
      await this.store(this.seq++, all.subarray(0, this.chunkBytes));
      const rest = all.subarray(this.chunkBytes);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
    }
  }

  async end(): Promise<WrittenFile> {
    if (this.pendingBytes > 0 || this.seq === 0) {
      await this.store(this.seq++, Buffer.concat(this.pending));
      this.pending = [];
      this.pendingBytes = 0;
    }
    return {
      format: this.format,
      fileName: this.fileName,
      contentType: CONTENT_TYPES[this.format],
      size: this.size,
      sha256: this.hash.digest('hex'),
      chunkCount: this.seq,
    };
  }
}
