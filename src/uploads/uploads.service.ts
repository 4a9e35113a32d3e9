import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

import { Injectable, Logger } from '@nestjs/common';

import type { AuthenticatedUser } from '../auth/decorators/current-user.decorator.js';
import {
  NotFoundError,
  UnsupportedMediaTypeError,
  ValidationFailedError,
} from '../common/errors/index.js';
import type { RowFailure } from '../common/evidence/evidence-record.js';
import { AppConfig } from '../config/index.js';
import type { Transaction } from '../database/transaction.js';
import {
  EvidenceWriter,
  type IngestRecord,
  type IngestResult,
} from '../genes/evidence/evidence-writer.service.js';
import { ScoreRefresher } from '../genes/scoring/score-refresher.service.js';
import { HgncNormalizer, snapshotDataDir, uploadSource } from '../sources/sources.module.js';
import type { ParsedUpload } from './parse-upload.js';
import {
  UnknownUploadSourceError,
  UnusableUploadError,
  UploadTooLargeError,
} from './upload.errors.js';
import { megabytes, UploadLimitExceeded, type UploadLimits } from './upload-limits.js';
import { parseInWorker } from './upload-parse.runner.js';
import {
  detectFormat,
  UnreadableUploadError,
  UPLOAD_FORMATS,
  UPLOAD_SOURCES,
  type UploadFormat,
  type UploadSourceSpec,
} from './upload-parser.js';
import { UploadsRepository } from './uploads.repository.js';

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

/** What a snapshot load stored: files seen, files already uploaded, and the evidence counts. */
export interface SnapshotLoad {
  files: number;
  skipped: number;
  added: number;
  updated: number;
  staged: number;
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
    private readonly evidence: EvidenceWriter,
    private readonly hgnc: HgncNormalizer,
    private readonly scores: ScoreRefresher,
    private readonly repository: UploadsRepository,
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

  /**
   * Stores an upload source's files from the offline snapshot (one per provider or
   * publication) through the upload path, as the app's own uploads. A file whose bytes are
   * already an active upload is skipped, so a first start taken up again after an
   * interruption does not store it twice.
   */
  async loadSnapshot(sourceName: string): Promise<SnapshotLoad> {
    const spec = this.spec(sourceName);
    const dir = `${snapshotDataDir()}uploads/${uploadSource(spec.name).snapshotFolder}/`;
    const load: SnapshotLoad = { files: 0, skipped: 0, added: 0, updated: 0, staged: 0 };
    for (const name of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
      const buffer = await readFile(dir + name);
      const hash = createHash('sha256').update(buffer).digest('hex');
      load.files += 1;
      if ((await this.repository.sameContent(undefined, spec.name, hash)) !== null) {
        load.skipped += 1;
        continue;
      }
      const stored = await this.upload(
        spec.name,
        { originalname: name, mimetype: 'application/json', size: buffer.length, buffer },
        { mode: 'merge' },
        null,
      );
      load.added += stored.added;
      load.updated += stored.updated;
      load.staged += stored.staged;
    }
    this.logger.log({ source: spec.name, ...load }, 'snapshot uploads stored');
    return load;
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
    const outcome = await this.repository.longTransaction(async (manager) => {
      const replaced =
        form.mode === 'replace' ? await this.removeIdentifier(manager, spec, identifier) : null;
      const stored = await this.store(manager, spec, normalized.records);
      const same = await this.repository.sameContent(manager, spec.name, parsed.hash);
      const uploadId = await this.repository.insert(manager, {
        source: spec.name,
        identifier,
        fileName: file.originalname,
        contentType: file.mimetype || null,
        format,
        fileSize: file.size,
        fileHash: parsed.hash,
        mode: form.mode,
        rows: parsed.rows,
        geneCount: parsed.records.length,
        genesStored: stored.added + stored.updated,
        genesStaged: stored.staged,
        failed: parsed.failed,
        failures: parsed.failures,
        metadata: { file_fields: parsed.meta, normalization: normalized.report },
        records: normalized.records,
        uploadedBy: user?.id ?? null,
        uploadedByName: user?.username ?? 'system',
      });
      await this.audit(manager, spec.name, 'upload', user, {
        identifier,
        uploadId,
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
        upload_id: uploadId,
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
        same_content_as: same,
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
      if (error instanceof UploadLimitExceeded) {
        throw new UploadTooLargeError(error, file.originalname);
      }
      if (error instanceof UnreadableUploadError) {
        throw new UnusableUploadError(`${file.originalname}: ${error.message}`);
      }
      throw error;
    }
  }

  /** Evidence in batches of WRITE_BATCH records, all in the caller's transaction. */
  private async store(
    manager: Transaction,
    spec: UploadSourceSpec,
    records: IngestRecord[],
  ): Promise<IngestResult> {
    const total: IngestResult = { added: 0, updated: 0, staged: 0, created_genes: 0 };
    for (let i = 0; i < records.length; i += WRITE_BATCH) {
      const batch = records.slice(i, i + WRITE_BATCH);
      const stored = await this.evidence.ingestWith(manager, spec.name, batch, {
        stagingPriority: uploadSource(spec.name).stagingPriority,
      });
      for (const key of Object.keys(total) as (keyof IngestResult)[]) {
        total[key] += stored[key];
      }
    }
    return total;
  }

  /** Takes an identifier (provider, publication) out of every gene of the source. */
  async deleteIdentifier(sourceName: string, identifier: string, user: AuthenticatedUser) {
    const spec = this.spec(sourceName);
    const outcome = await this.repository.transaction(async (manager) => {
      const removed = await this.removeIdentifier(manager, spec, identifier);
      const withdrawn = await this.repository.withdrawIdentifier(manager, spec.name, identifier);
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
    const outcome = await this.repository.transaction(async (manager) => {
      const identifier = await this.repository.withdraw(manager, spec.name, uploadId);
      if (identifier === null) {
        throw new NotFoundError(`${spec.name} has no active upload ${uploadId}`);
      }
      const upload = { identifier };
      const removed = await this.removeIdentifier(manager, spec, upload.identifier);
      const remaining = await this.repository.active(manager, spec.name, upload.identifier);
      for (const r of remaining) {
        await this.evidence.ingestWith(manager, spec.name, r.records, {
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
      this.repository.list(spec.name, limit, offset),
      this.repository.count('evidence_uploads', spec.name),
    ]);
    return { rows, total };
  }

  async auditTrail(sourceName: string, limit: number, offset: number) {
    const spec = this.spec(sourceName);
    const [rows, total] = await Promise.all([
      this.repository.auditTrail(spec.name, limit, offset),
      this.repository.count('upload_audit', spec.name),
    ]);
    return { rows, total };
  }

  /** Every identifier with the number of genes it covers. */
  async identifiers(sourceName: string) {
    const spec = this.spec(sourceName);
    return this.evidence.identifiers(spec.name, IDENTIFIER_FIELD[spec.name]);
  }

  async status(sourceName: string) {
    const spec = this.spec(sourceName);
    const [genes, uploads] = await Promise.all([
      this.evidence.countGenes(spec.name),
      this.repository.summary(spec.name),
    ]);
    const row = { genes, ...uploads };
    const identifiers = await this.identifiers(spec.name);
    return {
      source: spec.name,
      identifier_kind: spec.identifierKind,
      supported_formats: [...UPLOAD_FORMATS],
      ...row,
      identifiers: identifiers.length,
    };
  }

  private async removeIdentifier(
    manager: Transaction,
    spec: UploadSourceSpec,
    identifier: string,
  ): Promise<{ genes_updated: number; genes_removed: number }> {
    return this.evidence.removeIdentifier(
      manager,
      spec.name,
      IDENTIFIER_FIELD[spec.name],
      identifier,
    );
  }

  private async audit(
    manager: Transaction,
    source: string,
    action: 'upload' | 'delete_identifier' | 'delete_upload',
    user: AuthenticatedUser | null,
    entry: { identifier: string; uploadId?: number; details: Record<string, unknown> },
  ): Promise<void> {
    await this.repository.audit(manager, {
      source,
      action,
      identifier: entry.identifier,
      uploadId: entry.uploadId ?? null,
      userId: user?.id ?? null,
      username: user?.username ?? 'system',
      details: entry.details,
    });
  }
}
