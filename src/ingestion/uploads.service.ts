import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { RowFailure } from '../sources/evidence/evidence-record.js';
import { uploadSource } from '../sources/catalog/upload-sources.js';
import { HgncNormalizer } from '../sources/normalization/hgnc-normalizer.js';
import type { AuthenticatedUser } from '../auth/decorators/current-user.decorator.js';
import {
  NotFoundError,
  UnsupportedMediaTypeError,
  ValidationFailedError,
} from '../common/errors/index.js';
import { AppConfig } from '../config/index.js';
import { EVIDENCE_MERGERS } from '../genes/evidence-merge.js';
import { ScoreRefresher } from '../genes/scoring/score-refresher.service.js';
import {
  EvidenceIngestService,
  type IngestRecord,
  type IngestResult,
} from '../genes/staging/evidence-ingest.service.js';
import type { ParsedUpload } from './parse-upload.js';
import { parseInWorker } from './upload-parse.runner.js';
import {
  UnknownUploadSourceError,
  UnusableUploadError,
  UploadTooLargeError,
} from './upload.errors.js';
import { UploadLimitExceeded, megabytes, type UploadLimits } from './upload-limits.js';
import { runWithLongStatements } from '../database/resilient-pool.js';
import {
  UPLOAD_FORMATS,
  UPLOAD_SOURCES,
  UnreadableUploadError,
  detectFormat,
  type UploadFormat,
  type UploadSourceSpec,
} from './upload-parser.js';

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

export interface UploadOutcome extends IngestResult {
  upload_id: number;
  source: string;
  identifier: string;
  file_name: string;
  file_size: number;
  file_hash: string;
  format: string;
  mode: 'merge' | 'replace';
  rows: number;
  genes: number;
  failed: number;
  failures: RowFailure[];
  /** Genes that lost this identifier before a replace. */
  replaced: { genes_updated: number; genes_removed: number } | null;
  /** An earlier, still active upload of the same bytes to this source. */
  same_content_as: number | null;
}

/** Records per evidence write: each INSERT of the upload's transaction stays bounded. */
const WRITE_BATCH = 1000;

/** Where each upload source keeps its identifiers inside evidence_data. */
const IDENTIFIER_FIELD: Record<UploadSourceSpec['name'], string> = {
  DiagnosticPanels: 'panels_by_provider',
  Literature: 'publication_details',
};

/**
 * Curator uploads for the upload sources (diagnostic panels, literature). A file
 * (JSON, CSV, TSV or XLSX) names one identifier (a provider, a publication); its genes
 * are normalized, then stored together with the upload record and an audit entry in
 * one transaction, so an upload is wholly visible or not at all. Merge adds the
 * identifier's genes to what is there; replace first takes the identifier out.
 */
@Injectable()
export class UploadsService {
  private readonly logger = new Logger(UploadsService.name);

  constructor(
    private readonly ingest: EvidenceIngestService,
    private readonly hgnc: HgncNormalizer,
    private readonly scores: ScoreRefresher,
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.limits = config.uploads;
  }

  private readonly limits: UploadLimits;

  sources() {
    return Object.values(UPLOAD_SOURCES).map((s) => ({
      name: s.name,
      identifier_kind: s.identifierKind,
      description: s.description,
      supported_formats: [...UPLOAD_FORMATS],
    }));
  }

  spec(name: string): UploadSourceSpec {
    const spec = Object.values(UPLOAD_SOURCES).find(
      (s) => s.name.toLowerCase() === name.toLowerCase(),
    );
    if (!spec) {
      throw new UnknownUploadSourceError(
        `No upload source ${name}; available: ${Object.keys(UPLOAD_SOURCES).join(', ')}`,
      );
    }
    return spec;
  }

  async upload(
    sourceName: string,
    file: UploadedFile | undefined,
    form: { identifier?: string; mode: 'merge' | 'replace' },
    /** Null for the app's own uploads (the offline snapshot). */
    user: AuthenticatedUser | null,
  ): Promise<UploadOutcome> {
    const spec = this.spec(sourceName);
    if (!file || file.size === 0) {
      throw new ValidationFailedError([
        { field: 'file', messages: ['a non-empty file is required'] },
      ]);
    }
    if (file.size > this.limits.maxFileBytes) {
      const max = this.limits.maxFileBytes;
      throw new UploadTooLargeError(
        new UploadLimitExceeded('file_size', max, `the file is larger than ${megabytes(max)}`),
        file.originalname,
      );
    }
    const format = detectFormat(file.originalname, file.buffer);
    if (!format) {
      throw new UnsupportedMediaTypeError(
        `${file.originalname}: not a JSON, CSV, TSV or XLSX file (legacy .xls: save as .xlsx)`,
      );
    }
    const parsed = await this.parse(spec, file, format, form.identifier);
    const identifier = parsed.identifier;
    if (!identifier) {
      throw new ValidationFailedError([
        {
          field: 'identifier',
          messages: [`name the ${spec.identifierKind} (form field identifier or in the file)`],
        },
      ]);
    }
    if (parsed.records.length === 0) {
      throw new UnusableUploadError(
        `${file.originalname}: no usable gene rows among ${parsed.rows}`,
        { failures: parsed.failures },
      );
    }
    const normalized = await this.hgnc.normalize(spec.name, parsed.records);
    const outcome = await this.inTransaction(async (manager) => {
      const replaced =
        form.mode === 'replace' ? await this.removeIdentifier(manager, spec, identifier) : null;
      const stored = await this.store(manager, spec, normalized.records);
      const [same] = await manager.query<{ id: number }[]>(
        `SELECT id FROM evidence_uploads WHERE source_name = $1 AND file_hash = $2 AND status = 'completed'
         ORDER BY id LIMIT 1`,
        [spec.name, parsed.hash],
      );
      const [row] = await manager.query<{ id: number }[]>(
        `INSERT INTO evidence_uploads (source_name, identifier, file_name, content_type, format, file_size,
           file_hash, mode, rows, gene_count, genes_stored, genes_staged, failed, failures, metadata, records,
           uploaded_by, uploaded_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16::jsonb, $17, $18)
         RETURNING id`,
        [
          spec.name,
          identifier,
          file.originalname,
          file.mimetype || null,
          format,
          file.size,
          parsed.hash,
          form.mode,
          parsed.rows,
          parsed.records.length,
          stored.added + stored.updated,
          stored.staged,
          parsed.failed,
          JSON.stringify(parsed.failures),
          JSON.stringify({ file_fields: parsed.meta, normalization: normalized.report }),
          JSON.stringify(normalized.records),
          user?.id ?? null,
          user?.username ?? 'system',
        ],
      );
      await this.audit(manager, spec.name, 'upload', user, {
        identifier,
        uploadId: row.id,
        details: {
          mode: form.mode,
          file_name: file.originalname,
          file_hash: parsed.hash,
          ...stored,
          replaced,
        },
      });
      return {
        ...stored,
        upload_id: row.id,
        source: spec.name,
        identifier,
        file_name: file.originalname,
        file_size: file.size,
        file_hash: parsed.hash,
        format,
        mode: form.mode,
        rows: parsed.rows,
        genes: parsed.records.length,
        failed: parsed.failed,
        failures: parsed.failures,
        replaced,
        same_content_as: same?.id ?? null,
      } satisfies UploadOutcome;
    });
    this.scores.markDirty();
    this.logger.log(
      { source: spec.name, identifier, upload_id: outcome.upload_id, added: outcome.added },
      'upload stored',
    );
    return outcome;
  }

  /**
   * The file's records, read in a worker thread within the upload limits. The file's
   * bytes move to the worker: `file.buffer` may be empty afterwards.
   */
  private async parse(
    spec: UploadSourceSpec,
    file: UploadedFile,
    format: UploadFormat,
    identifier: string | undefined,
  ): Promise<ParsedUpload> {
    try {
      return await parseInWorker({
        content: file.buffer,
        format,
        source: spec.name,
        identifier,
        limits: this.limits,
      });
    } catch (error) {
      if (error instanceof UploadLimitExceeded)
        throw new UploadTooLargeError(error, file.originalname);
      if (error instanceof UnreadableUploadError)
        throw new UnusableUploadError(`${file.originalname}: ${error.message}`);
      throw error;
    }
  }

  /** Evidence in batches of WRITE_BATCH records, all in the caller's transaction. */
  private async store(
    manager: EntityManager,
    spec: UploadSourceSpec,
    records: IngestRecord[],
  ): Promise<IngestResult> {
    const total: IngestResult = { added: 0, updated: 0, staged: 0, created_genes: 0 };
    for (let i = 0; i < records.length; i += WRITE_BATCH) {
      const batch = records.slice(i, i + WRITE_BATCH);
      const stored = await this.ingest.ingestWith(manager, spec.name, batch, {
        stagingPriority: uploadSource(spec.name).stagingPriority,
      });
      for (const key of Object.keys(total) as (keyof IngestResult)[]) total[key] += stored[key];
    }
    return total;
  }

  /**
   * Runs `work` in a transaction that never outlives it: committed, or rolled back; a
   * connection whose rollback failed is closed instead of going back to the pool, where
   * it would sit `idle in transaction (aborted)` and hold locks.
   */
  private async inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    let broken: Error | undefined;
    try {
      await runner.startTransaction();
      // An upload's batches are request work but may rightly take longer than a read.
      const result = await runWithLongStatements(() => work(runner.manager));
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

  /** Takes an identifier (provider, publication) out of every gene of the source. */
  async deleteIdentifier(sourceName: string, identifier: string, user: AuthenticatedUser) {
    const spec = this.spec(sourceName);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const removed = await this.removeIdentifier(manager, spec, identifier);
      const [, withdrawn]: [unknown, number] = await manager.query(
        `UPDATE evidence_uploads SET status = 'deleted', deleted_at = now()
         WHERE source_name = $1 AND identifier = $2 AND status = 'completed'`,
        [spec.name, identifier],
      );
      if (removed.genes_updated + removed.genes_removed === 0 && withdrawn === 0) {
        throw new NotFoundError(`${spec.name} has no ${spec.identifierKind} "${identifier}"`);
      }
      await this.audit(manager, spec.name, 'delete_identifier', user, {
        identifier,
        details: { ...removed, uploads_withdrawn: withdrawn },
      });
      return { source: spec.name, identifier, ...removed, uploads_withdrawn: withdrawn };
    });
    this.scores.markDirty();
    return outcome;
  }

  /**
   * Withdraws one upload: its identifier's evidence is rebuilt from the uploads of that
   * identifier that remain (in upload order), so what other uploads said stays.
   */
  async withdrawUpload(sourceName: string, uploadId: number, user: AuthenticatedUser) {
    const spec = this.spec(sourceName);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const [upload] = await manager.query<{ identifier: string }[]>(
        `SELECT identifier FROM evidence_uploads
         WHERE id = $1 AND source_name = $2 AND status = 'completed' FOR UPDATE`,
        [uploadId, spec.name],
      );
      if (!upload) throw new NotFoundError(`${spec.name} has no active upload ${uploadId}`);
      await manager.query(
        `UPDATE evidence_uploads SET status = 'deleted', deleted_at = now() WHERE id = $1`,
        [uploadId],
      );
      const removed = await this.removeIdentifier(manager, spec, upload.identifier);
      const remaining = await manager.query<{ id: number; records: IngestRecord[] }[]>(
        `SELECT id, records FROM evidence_uploads
         WHERE source_name = $1 AND identifier = $2 AND status = 'completed' ORDER BY id`,
        [spec.name, upload.identifier],
      );
      for (const r of remaining) {
        await this.ingest.ingestWith(manager, spec.name, r.records, {
          stagingPriority: uploadSource(spec.name).stagingPriority,
        });
      }
      const details = {
        ...removed,
        rebuilt_from_uploads: remaining.map((r) => r.id),
      };
      await this.audit(manager, spec.name, 'delete_upload', user, {
        identifier: upload.identifier,
        uploadId,
        details,
      });
      return { upload_id: uploadId, source: spec.name, identifier: upload.identifier, ...details };
    });
    this.scores.markDirty();
    return outcome;
  }

  async uploads(sourceName: string, limit: number, offset: number) {
    const spec = this.spec(sourceName);
    const [rows, total] = await Promise.all([
      this.dataSource.query<Record<string, unknown>[]>(
        `SELECT id, identifier, file_name, content_type, format, file_size, file_hash, mode, status, rows,
                gene_count, genes_stored, genes_staged, failed, failures, uploaded_by, uploaded_by_name,
                uploaded_at, deleted_at
         FROM evidence_uploads WHERE source_name = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
        [spec.name, limit, offset],
      ),
      this.count('evidence_uploads', spec.name),
    ]);
    return { rows, total };
  }

  async auditTrail(sourceName: string, limit: number, offset: number) {
    const spec = this.spec(sourceName);
    const [rows, total] = await Promise.all([
      this.dataSource.query<Record<string, unknown>[]>(
        `SELECT id::int AS id, action, identifier, upload_id, user_id, username, details, performed_at
         FROM upload_audit WHERE source_name = $1 ORDER BY performed_at DESC, id DESC LIMIT $2 OFFSET $3`,
        [spec.name, limit, offset],
      ),
      this.count('upload_audit', spec.name),
    ]);
    return { rows, total };
  }

  /** Every identifier with the number of genes it covers. */
  async identifiers(sourceName: string) {
    const spec = this.spec(sourceName);
    return this.dataSource.query<{ identifier: string; gene_count: number; last_updated: Date }[]>(
      `SELECT k AS identifier, count(*)::int AS gene_count, max(e.updated_at) AS last_updated
       FROM gene_evidence e
       CROSS JOIN LATERAL jsonb_object_keys(
         CASE WHEN jsonb_typeof(e.evidence_data -> $2) = 'object' THEN e.evidence_data -> $2 ELSE '{}' END) k
       WHERE e.source_name = $1 GROUP BY k ORDER BY k`,
      [spec.name, IDENTIFIER_FIELD[spec.name]],
    );
  }

  async status(sourceName: string) {
    const spec = this.spec(sourceName);
    const [row] = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT (SELECT count(*)::int FROM gene_evidence WHERE source_name = $1) AS genes,
              (SELECT count(*)::int FROM evidence_uploads WHERE source_name = $1 AND status = 'completed') AS active_uploads,
              (SELECT max(uploaded_at) FROM evidence_uploads WHERE source_name = $1) AS last_upload_at`,
      [spec.name],
    );
    const identifiers = await this.identifiers(spec.name);
    return {
      source: spec.name,
      identifier_kind: spec.identifierKind,
      supported_formats: [...UPLOAD_FORMATS],
      ...row,
      identifiers: identifiers.length,
    };
  }

  private async count(table: 'evidence_uploads' | 'upload_audit', source: string) {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${table} WHERE source_name = $1`,
      [source],
    );
    return row.n;
  }

  private async removeIdentifier(
    manager: EntityManager,
    spec: UploadSourceSpec,
    identifier: string,
  ): Promise<{ genes_updated: number; genes_removed: number }> {
    const merger = EVIDENCE_MERGERS[spec.name];
    const rows = await manager.query<{ id: string; evidence_data: Record<string, unknown> }[]>(
      `SELECT id, evidence_data FROM gene_evidence
       WHERE source_name = $1 AND jsonb_typeof(evidence_data -> $2) = 'object'
         AND evidence_data -> $2 ? $3
       ORDER BY id FOR UPDATE`,
      [spec.name, IDENTIFIER_FIELD[spec.name], identifier],
    );
    const result = { genes_updated: 0, genes_removed: 0 };
    for (const row of rows) {
      const left = merger.remove!(row.evidence_data, identifier);
      if (left === null) {
        await manager.query('DELETE FROM gene_evidence WHERE id = $1', [row.id]);
        result.genes_removed += 1;
      } else {
        await manager.query(
          `UPDATE gene_evidence SET evidence_data = $2::jsonb, source_detail = $3, updated_at = now()
           WHERE id = $1`,
          [row.id, JSON.stringify(left), merger.detail(left)],
        );
        result.genes_updated += 1;
      }
    }
    return result;
  }

  private async audit(
    manager: EntityManager,
    source: string,
    action: 'upload' | 'delete_identifier' | 'delete_upload',
    user: AuthenticatedUser | null,
    entry: { identifier: string; uploadId?: number; details: Record<string, unknown> },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO upload_audit (source_name, action, identifier, upload_id, user_id, username, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [
        source,
        action,
        entry.identifier,
        entry.uploadId ?? null,
        user?.id ?? null,
        user?.username ?? 'system',
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
  if (broken && typeof pg.releasePostgresConnection === 'function')
    await pg.releasePostgresConnection(broken);
  else await runner.release();
}
