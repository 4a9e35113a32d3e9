import { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '../../config/index.js';
import type { GeneRow } from '../genes.repository.js';
import { geneListCriteria, type GeneListCriteriaQuery } from '../genes.service.js';
import { type ExportFormat, ExportsBusyError } from './export-formats.js';
import { type GeneCursor, GeneExportRepository } from './gene-export.repository.js';
import { GeneTableWriter } from './gene-table-format.js';

/**
 * The export's text, read from the cursor one batch per `_read`: a batch is fetched only
 * when the consumer has taken the previous one (back-pressure reaches the database).
 * Destroying the stream, at its end, on a database error or when the client goes away,
 * closes the cursor and so returns its connection; a database failure drops the
 * connection instead (GeneCursor.close).
 */
export class GeneTableStream extends Readable {
  private next: GeneRow[] | null;
  private failure: Error | undefined;

  constructor(
    private readonly cursor: GeneCursor,
    private readonly writer: GeneTableWriter,
    first: GeneRow[],
  ) {
    super();
    this.next = first;
  }

  /** The database error that ended the stream, if one did. */
  get databaseFailure(): Error | undefined {
    return this.failure;
  }

  override _read(): void {
    // Whatever fails (formatting included) ends the stream, never an unhandled rejection.
    this.pump().catch((error: unknown) => this.destroy(toError(error)));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.cursor.close(this.failure).then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }

  private async pump(): Promise<void> {
    let rows: GeneRow[];
    try {
      rows = this.next ?? (await this.cursor.next());
    } catch (error) {
      this.failure = toError(error);
      this.destroy(this.failure);
      return;
    }
    this.next = null;
    if (this.destroyed) {
      return;
    }
    const text = this.writer.batch(rows);
    if (rows.length > 0) {
      this.push(text);
      return;
    }
    // The connection goes back to the pool now, not when the consumer has read the rest.
    await this.cursor.close();
    const tail = text + this.writer.end();
    if (tail) {
      this.push(tail);
    }
    this.push(null);
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Downloads of the live gene table: the list's genes, every page, as CSV, TSV or JSON.
 *
 * Each download holds a pool connection for as long as its client reads, so at most half
 * the pool streams exports at once: slow or stalled downloads (public, anonymous) can
 * never take the connections every other request needs. One more is refused with 503
 * EXPORTS_BUSY rather than queued.
 */
@Injectable()
export class GeneExportService {
  private running = 0;
  readonly slots: number;

  /** Downloads streaming now on this instance. */
  get inProgress(): number {
    return this.running;
  }

  constructor(
    private readonly exports: GeneExportRepository,
    config: AppConfig,
  ) {
    this.slots = Math.max(1, Math.floor(config.database.poolSize / 2));
  }

  /**
   * Opens the export and reads its first batch, so that a bad request or a database
   * failure up to there is answered as an error rather than as a broken file.
   */
  async open(query: GeneListCriteriaQuery, format: ExportFormat): Promise<GeneTableStream> {
    const { filter, sort } = geneListCriteria(query);
    if (this.running >= this.slots) {
      throw new ExportsBusyError(this.running);
    }
    this.running += 1;
    try {
      const cursor = await this.exports.open(filter, sort);
      let first: GeneRow[];
      try {
        first = await cursor.next();
      } catch (error) {
        await cursor.close(error);
        throw error;
      }
      const stream = new GeneTableStream(
        cursor,
        new GeneTableWriter(format, cursor.sources),
        first,
      );
      // 'close' follows the end, an error and a client abort alike (autoDestroy).
      stream.once('close', () => (this.running -= 1));
      return stream;
    } catch (error) {
      this.running -= 1;
      throw error;
    }
  }
}
