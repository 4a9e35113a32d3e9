import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';

import { runWithLongStatements } from '../database/resilient-pool.js';
import { asTransaction, managerOf, type Transaction } from '../database/transaction.js';
import type { IngestRecord } from '../genes/evidence/evidence-writer.service.js';

/** An upload as recorded with its parse outcome and normalized records. */
export interface NewUpload {
  source: string;
  identifier: string;
  fileName: string;
  contentType: string | null;
  format: string;
  fileSize: number;
  fileHash: string;
  mode: string;
  rows: number;
  geneCount: number;
  genesStored: number;
  genesStaged: number;
  failed: number;
  failures: unknown[];
  metadata: Record<string, unknown>;
  records: IngestRecord[];
  uploadedBy: number | null;
  uploadedByName: string;
}

export interface AuditEntry {
  source: string;
  action: 'upload' | 'delete_identifier' | 'delete_upload';
  identifier: string;
  uploadId: number | null;
  userId: number | null;
  username: string;
  details: Record<string, unknown>;
}

/** The SQL of `evidence_uploads` and `upload_audit`. */
@Injectable()
export class UploadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `work` in a transaction whose statements may take longer than a read's. A
   * connection whose rollback failed is closed instead of going back to the pool, where
   * it would sit `idle in transaction (aborted)` and hold locks.
   */
  async longTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    let broken: Error | undefined;
    try {
      await runner.startTransaction();
      const result = await runWithLongStatements(() => work(asTransaction(runner.manager)));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) {
        try {
          await runner.rollbackTransaction();
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
      }
      throw error;
    } finally {
      await release(runner, broken);
    }
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(asTransaction(manager)));
  }

  /** The first active upload of the same bytes to `source`, if any. */
  async sameContent(
    tx: Transaction | undefined,
    source: string,
    hash: string,
  ): Promise<number | null> {
    const manager = managerOf(tx, this.dataSource.manager);
    const [row] = await manager.query<{ id: number }[]>(
      `SELECT id FROM evidence_uploads WHERE source_name = $1 AND file_hash = $2 AND status = 'completed'
       ORDER BY id LIMIT 1`,
      [source, hash],
    );
    return row?.id ?? null;
  }

  async insert(tx: Transaction, u: NewUpload): Promise<number> {
    const manager = managerOf(tx, this.dataSource.manager);
    const [row] = await manager.query<{ id: number }[]>(
      `INSERT INTO evidence_uploads (source_name, identifier, file_name, content_type, format, file_size,
         file_hash, mode, rows, gene_count, genes_stored, genes_staged, failed, failures, metadata, records,
         uploaded_by, uploaded_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16::jsonb, $17, $18)
       RETURNING id`,
      [
        u.source,
        u.identifier,
        u.fileName,
        u.contentType,
        u.format,
        u.fileSize,
        u.fileHash,
        u.mode,
        u.rows,
        u.geneCount,
        u.genesStored,
        u.genesStaged,
        u.failed,
        JSON.stringify(u.failures),
        JSON.stringify(u.metadata),
        JSON.stringify(u.records),
        u.uploadedBy,
        u.uploadedByName,
      ],
    );
    return row.id;
  }

  /** Marks every active upload of an identifier deleted; how many there were. */
  async withdrawIdentifier(tx: Transaction, source: string, identifier: string): Promise<number> {
    const manager = managerOf(tx, this.dataSource.manager);
    const [, withdrawn]: [unknown, number] = await manager.query(
      `UPDATE evidence_uploads SET status = 'deleted', deleted_at = now()
       WHERE source_name = $1 AND identifier = $2 AND status = 'completed'`,
      [source, identifier],
    );
    return withdrawn;
  }

  /** Locks an active upload and marks it deleted; its identifier, or null if there is none. */
  async withdraw(tx: Transaction, source: string, id: number): Promise<string | null> {
    const manager = managerOf(tx, this.dataSource.manager);
    const [upload] = await manager.query<{ identifier: string }[]>(
      `SELECT identifier FROM evidence_uploads
       WHERE id = $1 AND source_name = $2 AND status = 'completed' FOR UPDATE`,
      [id, source],
    );
    if (!upload) {
      return null;
    }
    await manager.query(
      `UPDATE evidence_uploads SET status = 'deleted', deleted_at = now() WHERE id = $1`,
      [id],
    );
    return upload.identifier;
  }

  /** The records of an identifier's active uploads, in upload order. */
  active(
    tx: Transaction,
    source: string,
    identifier: string,
  ): Promise<{ id: number; records: IngestRecord[] }[]> {
    const manager = managerOf(tx, this.dataSource.manager);
    return manager.query(
      `SELECT id, records FROM evidence_uploads
       WHERE source_name = $1 AND identifier = $2 AND status = 'completed' ORDER BY id`,
      [source, identifier],
    );
  }

  list(source: string, limit: number, offset: number): Promise<Record<string, unknown>[]> {
    return this.dataSource.query(
      `SELECT id, identifier, file_name, content_type, format, file_size, file_hash, mode, status, rows,
              gene_count, genes_stored, genes_staged, failed, failures, uploaded_by, uploaded_by_name,
              uploaded_at, deleted_at
       FROM evidence_uploads WHERE source_name = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
      [source, limit, offset],
    );
  }

  auditTrail(source: string, limit: number, offset: number): Promise<Record<string, unknown>[]> {
    return this.dataSource.query(
      `SELECT id::int AS id, action, identifier, upload_id, user_id, username, details, performed_at
       FROM upload_audit WHERE source_name = $1 ORDER BY performed_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [source, limit, offset],
    );
  }

  async count(table: 'evidence_uploads' | 'upload_audit', source: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${table} WHERE source_name = $1`,
      [source],
    );
    return row.n;
  }

  async summary(source: string): Promise<{ active_uploads: number; last_upload_at: Date | null }> {
    const [row] = await this.dataSource.query<
      { active_uploads: number; last_upload_at: Date | null }[]
    >(
      `SELECT (SELECT count(*)::int FROM evidence_uploads WHERE source_name = $1 AND status = 'completed') AS active_uploads,
              (SELECT max(uploaded_at) FROM evidence_uploads WHERE source_name = $1) AS last_upload_at`,
      [source],
    );
    return row;
  }

  async audit(tx: Transaction, entry: AuditEntry): Promise<void> {
    const manager = managerOf(tx, this.dataSource.manager);
    await manager.query(
      `INSERT INTO upload_audit (source_name, action, identifier, upload_id, user_id, username, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [
        entry.source,
        entry.action,
        entry.identifier,
        entry.uploadId,
        entry.userId,
        entry.username,
        JSON.stringify(entry.details),
      ],
    );
  }
}

/** Back to the pool, or, with `broken`, closed (pg-pool discards a client released with an error). */
async function release(runner: QueryRunner, broken: Error | undefined): Promise<void> {
  const pg = runner as QueryRunner & {
    releasePostgresConnection?: (error?: Error) => Promise<void>;
  };
  if (broken && typeof pg.releasePostgresConnection === 'function') {
    await pg.releasePostgresConnection(broken);
  } else {
    await runner.release();
  }
}
