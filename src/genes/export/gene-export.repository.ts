import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import type { DataSource } from 'typeorm';

import {
  GENE_COLUMNS,
  type GeneFilter,
  geneListQuery,
  type GeneRow,
  type SortKey,
} from '../genes.repository.js';

/** Rows per FETCH: a few hundred KB in memory, few round trips for 50,000 genes. */
export const EXPORT_BATCH_ROWS = 1000;

const CURSOR = 'gene_export';

/** An open export: its per-source columns, then its rows batch by batch. */
export interface GeneCursor {
  /** Every source that scores any gene (sorted), in the same snapshot as the rows. */
  sources: string[];
  /** The next batch of rows; empty once every row was read. */
  next(): Promise<GeneRow[]>;
  /**
   * Ends the transaction and gives the connection back to the pool; after a failure
   * (`error`) the connection is dropped instead. Safe to call more than once.
   */
  close(error?: unknown): Promise<void>;
}

/**
 * Reads a gene list without a page limit from a server-side cursor on a connection of
 * its own, so memory holds one batch whatever the number of genes.
 *
 * The cursor lives in a read-only REPEATABLE READ transaction: the source columns and
 * every row come from one snapshot, even while scores are refreshed. The pool's
 * `idle_in_transaction_session_timeout` bounds how long a reader that stops reading
 * (back-pressure from a stalled client) can hold the connection.
 */
@Injectable()
export class GeneExportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async open(
    filter: GeneFilter,
    sort: SortKey[],
    batchRows = EXPORT_BATCH_ROWS,
  ): Promise<GeneCursor> {
    // A pool client of our own, not a TypeORM query runner: only the pool's client can be
    // released with an error, which makes the pool drop it instead of reusing it.
    const pool = (this.dataSource.driver as unknown as { master: pg.Pool }).master;
    const client = await pool.connect();
    let closed = false;
    // The server may end the session while the cursor waits on a slow reader (the idle
    // in transaction timeout, an administrator): a checked-out client reports that as an
    // 'error' event, which would crash the process without a listener. The next FETCH
    // then fails and ends the export.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    const close = async (error?: unknown): Promise<void> => {
      if (closed) {
        return;
      }
      closed = true;
      error ??= broken;
      if (error === undefined) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          error = rollbackError;
        }
      }
      if (error === undefined) {
        client.off('error', onError);
        client.release();
      } else {
        // Dropped by the pool; the listener stays for whatever the dying socket reports.
        client.release(toError(error));
      }
    };
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ names: string[] }>(
        `SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{}') AS names
         FROM gene_scores s CROSS JOIN LATERAL jsonb_object_keys(s.source_scores) k`,
      );
      const params: unknown[] = [];
      const { from, where, orderBy } = geneListQuery(filter, sort, params);
      await client.query(
        `DECLARE ${CURSOR} NO SCROLL CURSOR FOR
         SELECT ${GENE_COLUMNS} FROM ${from} ${where} ORDER BY ${orderBy}`,
        params,
      );
      return {
        sources: rows[0].names,
        next: async () => {
          // Once closed the client may already serve someone else: never query it again.
          if (closed) {
            throw new Error('the export cursor is closed');
          }
          return (await client.query<GeneRow>(`FETCH ${batchRows} FROM ${CURSOR}`)).rows;
        },
        close,
      };
    } catch (error) {
      await close(error);
      throw error;
    }
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
