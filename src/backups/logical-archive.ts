import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

import tar from 'tar-stream';

/**
 * The container of a logical backup (ADR 0006): a gzip (at the backup's compression
 * level) of a ustar archive holding `manifest.json` first, then one `data/<table>.copy`
 * per table, in the manifest's order, each the table's `COPY … TO STDOUT` text.
 */
export const ARCHIVE_FORMAT = 'kgdb-logical-backup';
export const ARCHIVE_VERSION = 1;
const MANIFEST = 'manifest.json';

export interface TableManifest {
  name: string;
  columns: string[];
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  created_at: string;
  server_version: string;
  /** Applied migrations, in order: the schema the rows fit. */
  migrations: string[];
  /** Tables in load order (a table after those it references). */
  tables: TableManifest[];
  /** Tables whose rows were left out on purpose (logs, cache). */
  excluded_data: string[];
}

export class ArchiveError extends Error {}

/** Counts rows (COPY text ends each row with a newline; data newlines are escaped). */
export class CopyDigest extends Transform {
  private readonly hash = createHash('sha256');
  rows = 0;
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      this.rows += 1;
    }
    this.push(chunk);
    done();
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Writes the archive: the manifest, then each table's file from `dataFile(table)`. */
export async function writeArchive(
  file: string,
  manifest: ArchiveManifest,
  dataFile: (table: string) => string,
  compressionLevel: number,
): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack, createGzip({ level: compressionLevel }), createWriteStream(file));
  const add = async (): Promise<void> => {
    pack.entry({ name: MANIFEST }, JSON.stringify(manifest, null, 2));
    for (const table of manifest.tables) {
      const path = dataFile(table.name);
      const { size } = await stat(path);
      const entry = pack.entry({ name: `data/${table.name}.copy`, size });
      await pipeline(createReadStream(path), entry);
    }
    pack.finalize();
  };
  await Promise.all([written, add().catch((error: unknown) => pack.destroy(error as Error))]);
}

export interface ArchiveReader {
  manifest: ArchiveManifest;
  /** The tables' data streams, in archive order; each must be consumed before the next. */
  tables(): AsyncGenerator<{ table: string; stream: AsyncIterable<Buffer> }>;
  close(): void;
}

/** Opens an archive and reads its manifest (the first entry). */
export async function openArchive(file: string): Promise<ArchiveReader> {
  const extract = tar.extract();
  const source = createReadStream(file);
  const piped = pipeline(source, createGunzip(), extract).catch((error: unknown) => {
    extract.destroy(error as Error);
  });
  const entries = extract[Symbol.asyncIterator]();
  const close = (): void => {
    source.destroy();
    extract.destroy();
  };
  try {
    const first = await entries.next();
    if (first.done || first.value.header.name !== MANIFEST) {
      throw new ArchiveError('not a logical backup archive: manifest.json is not its first entry');
    }
    const chunks: Buffer[] = [];
    for await (const chunk of first.value as AsyncIterable<Buffer>) {
      chunks.push(chunk);
    }
    const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ArchiveManifest;
    if (manifest.format !== ARCHIVE_FORMAT || manifest.version !== ARCHIVE_VERSION) {
      throw new ArchiveError(
        `unsupported archive format ${String(manifest.format)} version ${String(manifest.version)}`,
      );
    }
    return {
      manifest,
      async *tables() {
        for (;;) {
          const next = await entries.next();
          if (next.done) {
            await piped;
            return;
          }
          const match = /^data\/(.+)\.copy$/.exec(next.value.header.name);
          if (!match) {
            throw new ArchiveError(`unexpected archive entry ${next.value.header.name}`);
          }
          yield { table: match[1], stream: next.value as AsyncIterable<Buffer> };
        }
      },
      close,
    };
  } catch (error) {
    close();
    if (error instanceof ArchiveError) {
      throw error;
    }
    throw new ArchiveError(
      `unreadable archive: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
