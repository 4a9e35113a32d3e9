import { Readable } from 'node:stream';

import { Injectable, Logger } from '@nestjs/common';

import { roleSatisfies } from '../auth/auth.module.js';
import type { AuthenticatedUser } from '../auth/decorators/current-user.decorator.js';
import { runInBackground } from '../common/background.js';
import { isTransientConflict, isUniqueViolation } from '../common/errors/database-errors.js';
import {
  ConflictError,
  DomainError,
  NotFoundError,
  ValidationFailedError,
} from '../common/errors/index.js';
import { AppConfig } from '../config/index.js';
import { GeneTableWriter } from '../genes/genes.module.js';
import { ScoreRefresher } from '../genes/scoring/score-refresher.service.js';
import { type CalVer, parseCalVer } from './calver.js';
import {
  type CitableRelease,
  citationCff,
  type CitationContext,
  citationDataCite,
  citationText,
} from './citation.js';
import type {
  CreateReleaseRequest,
  ListReleasesQuery,
  ReleaseDiffResponse,
  ReleaseFileResponse,
  ReleaseGeneResponse,
  ReleaseGenesResponse,
  ReleaseListResponse,
  ReleaseResponse,
  UpdateReleaseRequest,
} from './dto/release.dto.js';
import {
  ChunkedFileWriter,
  CONTENT_TYPES,
  releaseFileName,
  type ReleaseFormat,
  type WrittenFile,
} from './release-files.js';
import { ReleaseJsonWriter } from './release-json.js';
import {
  type ReleaseFileRow,
  type ReleaseGeneRow,
  type ReleaseRow,
  ReleasesRepository,
} from './releases.repository.js';
import { ZenodoClient } from './zenodo.client.js';

class ReleasePublishedError extends DomainError {
  readonly code = 'RELEASE_PUBLISHED';
  readonly status = 409;
}

class ReleaseNotPublishedError extends DomainError {
  readonly code = 'RELEASE_NOT_PUBLISHED';
  readonly status = 409;
}

/** One file of a published release, ready to stream. */
export interface ReleaseDownload {
  file: ReleaseFileRow;
  version: string;
  stream: () => Readable;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const geneOf = (r: ReleaseGeneRow): ReleaseGeneResponse => ({
  hgnc_id: r.hgnc_id,
  approved_symbol: r.symbol,
  name: r.name,
  aliases: r.aliases,
  raw_score: Number(r.raw_score),
  percentage_score: Number(r.percentage_score),
  evidence_tier: r.evidence_tier,
  evidence_group: r.evidence_group,
  source_count: r.source_count,
  source_scores: r.source_scores,
});

/**
 * Releases: drafts curated by admins, published as frozen gene lists. Publishing copies
 * the gene table and writes every export (JSON, CSV, TSV, manifest) with its checksum in
 * one transaction, so a release never changes afterwards and never depends on another.
 */
@Injectable()
export class ReleasesService {
  private readonly logger = new Logger(ReleasesService.name);

  constructor(
    private readonly releases: ReleasesRepository,
    private readonly scores: ScoreRefresher,
    private readonly config: AppConfig,
  ) {}

  async list(query: ListReleasesQuery, user: AuthenticatedUser | undefined) {
    const seesDrafts = canSeeDrafts(user);
    const statuses: ('draft' | 'published')[] = query.status
      ? [query.status]
      : seesDrafts
        ? ['draft', 'published']
        : ['published'];
    const visible = statuses.filter((s) => s === 'published' || seesDrafts);
    const { rows, total } = await this.releases.list({
      statuses: visible,
      limit: query.limit,
      offset: query.offset,
    });
    const data = await Promise.all(rows.map((r) => this.describe(r)));
    return {
      data,
      meta: { total, limit: query.limit, offset: query.offset },
    } satisfies ReleaseListResponse;
  }

  /** By CalVer version or numeric id; drafts only for curators and admins. */
  async get(ref: string, user: AuthenticatedUser | undefined): Promise<ReleaseResponse> {
    return this.describe(await this.find(ref, user));
  }

  async create(
    body: CreateReleaseRequest,
    query: CreateReleaseRequest,
    user: AuthenticatedUser,
  ): Promise<ReleaseResponse> {
    const version = body.version ?? query.version;
    if (version === undefined) {
      throw new ValidationFailedError([
        { field: 'version', messages: ['version is required (CalVer YYYY.M or YYYY.MM)'] },
      ]);
    }
    const calver = this.calver(version);
    await this.refuseTaken(version, calver);
    try {
      const row = await this.releases.create({
        version,
        year: calver.year,
        month: calver.month,
        notes: body.release_notes ?? query.release_notes ?? null,
        userId: user.id,
      });
      return this.describe(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`Release ${version} already exists`);
      }
      throw error;
    }
  }

  async update(id: number, body: UpdateReleaseRequest): Promise<ReleaseResponse> {
    const current = await this.mustExist(id);
    if (current.status !== 'draft') {
      throw new ReleasePublishedError(`Release ${current.version} is published and cannot change`);
    }
    let calver: CalVer | undefined;
    if (body.version !== undefined && body.version !== current.version) {
      calver = this.calver(body.version);
      await this.refuseTaken(body.version, calver, id);
    }
    try {
      const row = await this.releases.updateDraft(id, {
        version: calver ? body.version : undefined,
        year: calver?.year,
        month: calver?.month,
        notes: body.release_notes,
      });
      if (!row) {
        throw new ReleasePublishedError(
          `Release ${current.version} is published and cannot change`,
        );
      }
      return this.describe(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`Release ${body.version} already exists`);
      }
      throw error;
    }
  }

  async remove(id: number): Promise<{ message: string }> {
    const current = await this.mustExist(id);
    if (!(await this.releases.deleteDraft(id))) {
      throw new ReleasePublishedError(
        `Release ${current.version} is published and cannot be deleted`,
      );
    }
    return { message: `Release ${current.version} deleted` };
  }

  /**
   * Freezes the current state as release `id`: scores are refreshed first, then in one
   * REPEATABLE READ transaction the genes are copied and every export is written and
   * checksummed from the same snapshot. A Zenodo deposit, when configured, follows in
   * the background; its failure leaves the release published without a DOI.
   */
  async publish(id: number, user: AuthenticatedUser): Promise<ReleaseResponse> {
    const current = await this.mustExist(id);
    if (current.status !== 'draft') {
      throw new ReleasePublishedError(`Release ${current.version} is already published`);
    }
    await this.scores.refreshNow();
    let published: ReleaseRow;
    try {
      published = await this.releases.inSnapshot(async (tx) => {
        const draft = await this.releases.lockDraft(tx, id);
        if (!draft) {
          throw new ReleasePublishedError(`Release ${current.version} is already published`);
        }
        const publishedAt = await this.releases.transactionTime(tx);
        const geneCount = await this.releases.freezeGenes(tx, id);
        const counts = await this.releases.countsAtPublish(tx);
        const sources = await this.releases.sourcesAtPublish(tx);
        const scoring = await this.releases.scoringSources(tx);
        const citation = citationText(
          { ...this.citable(draft), publishedAt, geneCount },
          this.citationContext(draft.version),
        );

        const open = async (format: ReleaseFormat) => {
          const fileName = releaseFileName(draft.version, format);
          // The file row first: chunks reference it. Size and checksum follow at the end.
          await this.releases.addFile(tx, id, {
            format,
            file_name: fileName,
            content_type: CONTENT_TYPES[format],
            size: '0',
            sha256: '0'.repeat(64),
            chunk_count: 0,
          });
          return new ChunkedFileWriter(format, fileName, (seq, data) =>
            this.releases.addChunk(tx, id, format, seq, data),
          );
        };
        const finish = async (writer: ChunkedFileWriter): Promise<WrittenFile> => {
          const file = await writer.end();
          await this.releases.addFile(tx, id, {
            format: file.format,
            file_name: file.fileName,
            content_type: file.contentType,
            size: String(file.size),
            sha256: file.sha256,
            chunk_count: file.chunkCount,
          });
          return file;
        };

        const json = new ReleaseJsonWriter();
        const csv = new GeneTableWriter('csv', scoring);
        const tsv = new GeneTableWriter('tsv', scoring);
        const files = { json: await open('json'), csv: await open('csv'), tsv: await open('tsv') };
        await files.json.write(
          json.head({
            version: draft.version,
            releaseDate: publishedAt.toISOString(),
            geneCount,
            evidenceCount: counts.evidence,
            annotationCount: counts.annotations,
            sources,
            citation,
          }),
        );
        let written = 0;
        for await (const batch of this.releases.frozenGenes(tx)) {
          written += batch.length;
          await files.json.write(batch.map((g) => json.gene(g)).join(''));
          await files.csv.write(csv.batch(batch));
          await files.tsv.write(tsv.batch(batch));
        }
        if (written !== geneCount) {
          // Both reads see one snapshot; a difference would be a bug, never a race.
          throw new Error(
            `release ${draft.version}: ${written} genes written, ${geneCount} frozen`,
          );
        }
        await files.json.write(json.tail());
        await files.csv.write(csv.batch([]) + csv.end());
        await files.tsv.write(tsv.batch([]) + tsv.end());
        const written3 = [
          await finish(files.json),
          await finish(files.csv),
          await finish(files.tsv),
        ];
        const manifest = await open('manifest');
        await manifest.write(
          `${JSON.stringify(
            {
              version: draft.version,
              release_date: publishedAt.toISOString(),
              gene_count: geneCount,
              citation,
              files: written3.map((f) => ({
                file_name: f.fileName,
                format: f.format,
                content_type: f.contentType,
                size: f.size,
                sha256: f.sha256,
              })),
            },
            null,
            2,
          )}\n`,
        );
        await finish(manifest);
        return this.releases.markPublished(tx, id, {
          by: { id: user.id, username: user.username },
          geneCount,
          evidenceCount: counts.evidence,
          annotationCount: counts.annotations,
          sources,
          exportChecksum: written3[0].sha256,
          citationText: citation,
          doiStatus: this.config.releases.zenodo ? 'pending' : null,
        });
      });
    } catch (error) {
      if (isTransientConflict(error)) {
        throw new ReleasePublishedError(
          `Release ${current.version} was published by another request`,
        );
      }
      throw error;
    }
    this.logger.log(
      `release ${published.version} published: ${published.gene_count} genes, ` +
        `${published.evidence_count} evidence rows, export sha256 ${published.export_checksum}`,
    );
    if (this.config.releases.zenodo) {
      runInBackground(this.logger, `Zenodo deposit of release ${published.version}`, () =>
        this.deposit(published.id),
      );
    }
    return this.describe(published);
  }

  /** Tries the Zenodo deposit again for a published release that has no DOI. */
  async retryDeposit(id: number): Promise<ReleaseResponse> {
    const current = await this.mustExist(id);
    if (current.status !== 'published') {
      throw new ReleaseNotPublishedError(`Release ${current.version} is not published`);
    }
    if (!this.config.releases.zenodo) {
      throw new ConflictError('No Zenodo deposit is configured (ZENODO_API_TOKEN)');
    }
    if (current.doi) {
      throw new ConflictError(`Release ${current.version} already has DOI ${current.doi}`);
    }
    if (current.doi_status === 'pending') {
      throw new ConflictError(`A deposit of release ${current.version} is under way`);
    }
    await this.releases.setDoi(id, { status: 'pending' });
    runInBackground(this.logger, `Zenodo deposit of release ${current.version}`, () =>
      this.deposit(id),
    );
    return this.describe((await this.releases.byId(id))!);
  }

  /** Deposits the JSON export; the DOI and a citation naming it, or the failure, are stored. */
  async deposit(id: number): Promise<void> {
    const settings = this.config.releases.zenodo;
    const release = await this.releases.byId(id);
    if (!settings || !release || release.status !== 'published') {
      return;
    }
    const file = (await this.releases.files(id)).find((f) => f.format === 'json');
    if (!file) {
      await this.releases.setDoi(id, { status: 'failed', error: 'the JSON export is missing' });
      return;
    }
    try {
      const { doi } = await new ZenodoClient(settings).deposit({
        version: release.version,
        publishedAt: release.published_at!,
        geneCount: release.gene_count ?? 0,
        author: this.config.releases.citationAuthor,
        releaseNotes: release.release_notes,
        fileName: file.file_name,
        size: Number(file.size),
        open: () => this.chunks(id, file),
      });
      const citation = citationText(
        { ...this.citable(release), doi },
        this.citationContext(release.version),
      );
      await this.releases.setDoi(id, { status: 'deposited', doi }, citation);
      this.logger.log(`release ${release.version} deposited on Zenodo: DOI ${doi}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.releases.setDoi(id, { status: 'failed', error: message });
      this.logger.warn(
        `Zenodo deposit of release ${release.version} failed; it stays published without a DOI: ${message}`,
      );
    }
  }

  /** A published file of the release; drafts have none. */
  async download(
    ref: string,
    format: ReleaseFormat,
    user: AuthenticatedUser | undefined,
  ): Promise<ReleaseDownload> {
    const release = await this.find(ref, user);
    if (release.status !== 'published') {
      throw new ReleaseNotPublishedError(
        `Release ${release.version} is a draft: it has no exports until it is published`,
      );
    }
    const file = (await this.releases.files(release.id)).find((f) => f.format === format);
    if (!file) {
      throw new NotFoundError(`Release ${release.version} has no ${format} export`);
    }
    return { file, version: release.version, stream: () => this.chunks(release.id, file) };
  }

  async citation(
    ref: string,
    format: 'cff' | 'datacite' | 'text',
    user: AuthenticatedUser | undefined,
  ): Promise<{ contentType: string; fileName: string; body: string }> {
    const release = await this.find(ref, user);
    if (release.status !== 'published') {
      throw new ReleaseNotPublishedError(
        `Release ${release.version} is a draft: only published releases can be cited`,
      );
    }
    const r = this.citable(release);
    const ctx = this.citationContext(release.version);
    switch (format) {
      case 'cff':
        return {
          contentType: 'application/x-yaml; charset=utf-8',
          fileName: 'CITATION.cff',
          body: citationCff(r, ctx),
        };
      case 'datacite':
        return {
          contentType: 'application/vnd.datacite.datacite+json; charset=utf-8',
          fileName: `kidney-genetics-db_${release.version}_datacite.json`,
          body: `${JSON.stringify(citationDataCite(r, ctx), null, 2)}\n`,
        };
      case 'text':
        return {
          contentType: 'text/plain; charset=utf-8',
          fileName: `kidney-genetics-db_${release.version}_citation.txt`,
          body: `${release.citation_text ?? citationText(r, ctx)}\n`,
        };
    }
  }

  async genes(
    ref: string,
    limit: number,
    offset: number,
    user: AuthenticatedUser | undefined,
  ): Promise<ReleaseGenesResponse> {
    const release = await this.find(ref, user);
    if (release.status !== 'published') {
      throw new ReleaseNotPublishedError(`Release ${release.version} is a draft: it has no genes`);
    }
    const { rows, total } = await this.releases.genes(release.id, limit, offset);
    return {
      data: {
        version: release.version,
        release_date: release.published_at!.toISOString(),
        total,
        limit,
        offset,
        genes: rows.map(geneOf),
      },
      meta: { total, limit, offset },
    };
  }

  async diff(
    fromRef: string,
    toRef: string,
    limit: number,
    user: AuthenticatedUser | undefined,
  ): Promise<ReleaseDiffResponse> {
    const [from, to] = await Promise.all([this.find(fromRef, user), this.find(toRef, user)]);
    for (const r of [from, to]) {
      if (r.status !== 'published') {
        throw new ReleaseNotPublishedError(
          `Release ${r.version} is a draft: only published releases can be compared`,
        );
      }
    }
    const d = await this.releases.diff(from.id, to.id, limit);
    return {
      data: {
        from: from.version,
        to: to.version,
        counts: d.counts,
        added: d.added.map(geneOf),
        removed: d.removed.map(geneOf),
        changed: d.changed.map((c) => ({
          ...geneOf(c),
          from_approved_symbol: c.from_symbol,
          from_evidence_tier: c.from_evidence_tier,
          from_percentage_score: Number(c.from_percentage_score),
        })),
        truncated:
          d.added.length < d.counts.added ||
          d.removed.length < d.counts.removed ||
          d.changed.length < d.counts.changed,
      },
    };
  }

  private chunks(releaseId: number, file: ReleaseFileRow): Readable {
    const repo = this.releases;
    return Readable.from(
      (async function* () {
        for (let seq = 0; seq < file.chunk_count; seq++) {
          const data = await repo.chunk(releaseId, file.format, seq);
          if (!data) {
            throw new Error(`release file ${file.file_name}: chunk ${seq} is missing`);
          }
          yield data;
        }
      })(),
      { objectMode: false },
    );
  }

  private async find(ref: string, user: AuthenticatedUser | undefined): Promise<ReleaseRow> {
    let row: ReleaseRow | null = null;
    const calver = parseCalVer(ref);
    if (calver) {
      row = await this.releases.byVersion(ref, calver.year, calver.month);
    } else if (/^[1-9]\d{0,8}$/.test(ref)) {
      row = await this.releases.byId(Number(ref));
    }
    // A draft is invisible, not forbidden, to those who may not see drafts.
    if (!row || (row.status === 'draft' && !canSeeDrafts(user))) {
      throw new NotFoundError(`Release ${ref} not found`);
    }
    return row;
  }

  private async mustExist(id: number): Promise<ReleaseRow> {
    const row = await this.releases.byId(id);
    if (!row) {
      throw new NotFoundError(`Release ${id} not found`);
    }
    return row;
  }

  private calver(version: string): CalVer {
    const calver = parseCalVer(version);
    if (!calver) {
      throw new ValidationFailedError([
        {
          field: 'version',
          messages: ['version must be CalVer YYYY.M or YYYY.MM with a month 1–12, e.g. 2025.10'],
        },
      ]);
    }
    return calver;
  }

  private async refuseTaken(version: string, calver: CalVer, except?: number): Promise<void> {
    const taken = await this.releases.byVersion(version, calver.year, calver.month);
    if (taken && taken.id !== except) {
      throw new ConflictError(
        taken.version === version
          ? `Release ${version} already exists`
          : `Release ${taken.version} already names that month`,
      );
    }
  }

  private citable(r: ReleaseRow): CitableRelease {
    return {
      version: r.version,
      publishedAt: r.published_at ?? new Date(),
      geneCount: r.gene_count ?? 0,
      doi: r.doi,
      releaseNotes: r.release_notes,
      exportChecksum: r.export_checksum ?? '',
    };
  }

  private citationContext(version: string): CitationContext {
    return {
      author: this.config.releases.citationAuthor,
      publicUrl: `${this.config.http.publicBaseUrl}/releases/${version}`,
    };
  }

  private async describe(r: ReleaseRow): Promise<ReleaseResponse> {
    const files: ReleaseFileResponse[] =
      r.status === 'published'
        ? (await this.releases.files(r.id)).map((f) => ({
            format: f.format,
            file_name: f.file_name,
            content_type: f.content_type,
            size: Number(f.size),
            sha256: f.sha256,
            url: `/api/releases/${r.version}/export?format=${f.format}`,
          }))
        : [];
    return {
      id: r.id,
      version: r.version,
      status: r.status,
      release_notes: r.release_notes,
      release_date: iso(r.published_at),
      published_at: iso(r.published_at),
      published_by_id: r.published_by_id,
      published_by: r.published_by_name,
      gene_count: r.gene_count,
      total_evidence_count: r.evidence_count,
      annotation_count: r.annotation_count,
      export_checksum: r.export_checksum,
      doi: r.doi,
      doi_status: r.doi_status,
      doi_error: r.doi_error,
      citation_text: r.citation_text,
      sources: r.sources ?? [],
      files,
      created_at: r.created_at.toISOString(),
      updated_at: r.updated_at.toISOString(),
    };
  }
}

function canSeeDrafts(user: AuthenticatedUser | undefined): boolean {
  return user !== undefined && roleSatisfies(user.role, 'curator');
}
