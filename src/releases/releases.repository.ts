import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

import { asTransaction, managerOf, type Transaction } from '../database/transaction.js';
import type { GeneRow } from '../genes/genes.module.js';

export interface ReleaseRow {
  id: number;
  version: string;
  calver_year: number;
  calver_month: number;
  status: 'draft' | 'published';
  release_notes: string | null;
  created_by_id: number | null;
  published_at: Date | null;
  published_by_id: number | null;
  published_by_name: string | null;
  gene_count: number | null;
  evidence_count: number | null;
  annotation_count: number | null;
  sources: SourceAtPublish[] | null;
  export_checksum: string | null;
  citation_text: string | null;
  doi: string | null;
  doi_status: 'pending' | 'deposited' | 'failed' | null;
  doi_error: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What each source had delivered when a release was published. */
export interface SourceAtPublish {
  name: string;
  category: string;
  last_updated_at: string | null;
  last_run_at: string | null;
  versions: string[];
  genes: number;
}

export interface ReleaseFileRow {
  format: string;
  file_name: string;
  content_type: string;
  size: string;
  sha256: string;
  chunk_count: number;
}

/**
 * A gene as the exports carry it, read in one pass with its evidence and annotations. The
 * columns before `scored` are those of the gene list, so the live export's table writer
 * formats the release's CSV and TSV too.
 */
export interface FrozenGeneRow extends GeneRow {
  /** False when the gene has no score row (created after the last score refresh). */
  scored: boolean;
  evidence: Record<string, unknown>[];
  annotations: Record<string, unknown>[];
}

export interface ReleaseGeneRow {
  hgnc_id: string;
  symbol: string;
  name: string | null;
  aliases: string[];
  raw_score: string;
  percentage_score: string;
  evidence_tier: string;
  evidence_group: string;
  source_count: number;
  source_scores: Record<string, number>;
}

export interface ReleaseListFilter {
  statuses: readonly ('draft' | 'published')[];
  limit: number;
  offset: number;
}

/** Rows per FETCH of the publish cursor: genes with all their evidence and annotations. */
const FREEZE_BATCH = 200;

/** Newest first by the parsed CalVer, never by the version string. */
const NEWEST_FIRST = 'calver_year DESC, calver_month DESC, id DESC';

/** SQL of releases, their frozen genes and their export files. */
@Injectable()
export class ReleasesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filter: ReleaseListFilter): Promise<{ rows: ReleaseRow[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.dataSource.query<ReleaseRow[]>(
        `SELECT * FROM releases WHERE status = ANY($1)
         ORDER BY ${NEWEST_FIRST} LIMIT $2 OFFSET $3`,
        [filter.statuses, filter.limit, filter.offset],
      ),
      this.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM releases WHERE status = ANY($1)',
        [filter.statuses],
      ),
    ]);
    return { rows, total: count[0].n };
  }

  async byId(id: number, tx?: Transaction): Promise<ReleaseRow | null> {
    const rows = await this.manager(tx).query<ReleaseRow[]>(
      'SELECT * FROM releases WHERE id = $1',
      [id],
    );
    return rows[0] ?? null;
  }

  /** By version as written, or by the same CalVer month written differently. */
  async byVersion(version: string, year: number, month: number): Promise<ReleaseRow | null> {
    const rows = await this.dataSource.query<ReleaseRow[]>(
      `SELECT * FROM releases WHERE version = $1 OR (calver_year = $2 AND calver_month = $3)`,
      [version, year, month],
    );
    return rows[0] ?? null;
  }

  async create(draft: {
    version: string;
    year: number;
    month: number;
    notes: string | null;
    userId: number | null;
  }): Promise<ReleaseRow> {
    const rows = await this.dataSource.query<ReleaseRow[]>(
      `INSERT INTO releases (version, calver_year, calver_month, release_notes, created_by_id)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [draft.version, draft.year, draft.month, draft.notes, draft.userId],
    );
    return rows[0];
  }

  /** Changes a draft; null when the release is not a draft (any more). */
  async updateDraft(
    id: number,
    change: { version?: string; year?: number; month?: number; notes?: string | null },
  ): Promise<ReleaseRow | null> {
    // UPDATE and DELETE answer [rows, affected count] through TypeORM.
    const [rows] = await this.dataSource.query<[ReleaseRow[], number]>(
      `UPDATE releases SET
         version = coalesce($2, version), calver_year = coalesce($3, calver_year),
         calver_month = coalesce($4, calver_month),
         release_notes = CASE WHEN $5 THEN $6 ELSE release_notes END, updated_at = now()
       WHERE id = $1 AND status = 'draft' RETURNING *`,
      [
        id,
        change.version ?? null,
        change.year ?? null,
        change.month ?? null,
        change.notes !== undefined,
        change.notes ?? null,
      ],
    );
    return rows[0] ?? null;
  }

  /** Deletes a draft; false when the release is not a draft. */
  async deleteDraft(id: number): Promise<boolean> {
    const [rows] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM releases WHERE id = $1 AND status = 'draft' RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  /**
   * Runs `work` in one REPEATABLE READ transaction: every table it reads is seen as of
   * one snapshot, and everything it writes is committed together or not at all.
   */
  inSnapshot<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', (m) => work(asTransaction(m)));
  }

  /** Locks a draft for publishing; null when it does not exist or is published. */
  async lockDraft(tx: Transaction, id: number): Promise<ReleaseRow | null> {
    const rows = await managerOf(tx, this.dataSource.manager).query<ReleaseRow[]>(
      `SELECT * FROM releases WHERE id = $1 AND status = 'draft' FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Copies every gene with its score into release_genes; returns how many. */
  async freezeGenes(tx: Transaction, releaseId: number): Promise<number> {
    const rows = await managerOf(tx, this.dataSource.manager).query<{ n: number }[]>(
      `WITH frozen AS (
         INSERT INTO release_genes (release_id, hgnc_id, symbol, name, aliases, raw_score,
           percentage_score, evidence_tier, evidence_group, source_count, source_scores)
         SELECT $1, g.hgnc_id, g.approved_symbol, g.name, g.aliases,
                coalesce(s.raw_score, 0), coalesce(s.percentage_score, 0),
                coalesce(s.evidence_tier, 'no_evidence'), coalesce(s.evidence_group, 'insufficient'),
                coalesce(s.source_count, 0), coalesce(s.source_scores, '{}'::jsonb)
         FROM genes g LEFT JOIN gene_scores s ON s.gene_id = g.id
         RETURNING 1)
       SELECT count(*)::int AS n FROM frozen`,
      [releaseId],
    );
    return rows[0].n;
  }

  /** Every source that scores some gene, sorted: the per-source columns of the table. */
  async scoringSources(tx: Transaction): Promise<string[]> {
    const rows = await managerOf(tx, this.dataSource.manager).query<{ names: string[] }[]>(
      `SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{}') AS names
       FROM gene_scores s CROSS JOIN LATERAL jsonb_object_keys(s.source_scores) k`,
    );
    return rows[0].names;
  }

  async countsAtPublish(tx: Transaction): Promise<{ evidence: number; annotations: number }> {
    const rows = await managerOf(tx, this.dataSource.manager).query<
      { evidence: number; annotations: number }[]
    >(
      `SELECT (SELECT count(*)::int FROM gene_evidence) AS evidence,
              (SELECT count(*)::int FROM gene_annotations) AS annotations`,
    );
    return rows[0];
  }

  /** Each registered source: when it last changed, its last finished run, its versions. */
  async sourcesAtPublish(tx: Transaction): Promise<SourceAtPublish[]> {
    return managerOf(tx, this.dataSource.manager).query<SourceAtPublish[]>(
      `SELECT d.name, d.category,
              to_char(d.last_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_updated_at,
              to_char(r.last_run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_run_at,
              coalesce(v.versions, '{}') AS versions,
              coalesce(e.genes, a.genes, 0)::int AS genes
       FROM data_sources d
       LEFT JOIN LATERAL (
         SELECT max(finished_at) AS last_run_at FROM pipeline_run_sources
         WHERE source = d.name AND status IN ('completed', 'completed_with_errors')) r ON true
       LEFT JOIN LATERAL (
         SELECT array_agg(DISTINCT version ORDER BY version) AS versions FROM gene_annotations
         WHERE source = d.name AND version IS NOT NULL) v ON true
       LEFT JOIN LATERAL (
         SELECT count(*) AS genes FROM gene_evidence WHERE source_name = d.name HAVING count(*) > 0) e ON true
       LEFT JOIN LATERAL (
         SELECT count(*) AS genes FROM gene_annotations WHERE source = d.name HAVING count(*) > 0) a ON true
       ORDER BY d.name`,
    );
  }

  /**
   * Every gene in export order (symbol, then HGNC id) with its score, evidence and
   * annotations, batch by batch from a cursor in the transaction's snapshot. The JSON
   * objects keep their key order (json, not jsonb, builds them).
   */
  async *frozenGenes(tx: Transaction): AsyncGenerator<FrozenGeneRow[]> {
    const m = managerOf(tx, this.dataSource.manager);
    await m.query(
      `DECLARE release_freeze NO SCROLL CURSOR FOR
       SELECT g.id, g.hgnc_id, g.approved_symbol, g.name, g.aliases, g.previous_symbols,
              g.created_at, g.updated_at,
              coalesce(s.source_count, 0) AS evidence_count,
              coalesce(s.percentage_score, 0) AS evidence_score,
              coalesce(s.evidence_tier, 'no_evidence') AS evidence_tier,
              coalesce(s.evidence_group, 'insufficient') AS evidence_group,
              coalesce(s.sources, '{}') AS sources,
              coalesce(s.source_scores, '{}'::jsonb) AS source_scores,
              coalesce(s.raw_score, 0) AS raw_score,
              s.total_active_sources,
              s.gene_id IS NOT NULL AS scored,
              coalesce((SELECT json_agg(json_build_object(
                  'source_name', e.source_name, 'source_detail', e.source_detail,
                  'evidence_data', e.evidence_data, 'evidence_date', e.evidence_date,
                  'created_at', e.created_at, 'updated_at', e.updated_at) ORDER BY e.source_name)
                FROM gene_evidence e WHERE e.gene_id = g.id), '[]'::json) AS evidence,
              coalesce((SELECT json_agg(json_build_object(
                  'source', a.source, 'version', a.version, 'annotations', a.annotations,
                  'created_at', a.created_at, 'updated_at', a.updated_at) ORDER BY a.source)
                FROM gene_annotations a WHERE a.gene_id = g.id), '[]'::json) AS annotations
       FROM genes g LEFT JOIN gene_scores s ON s.gene_id = g.id
       ORDER BY g.approved_symbol, g.hgnc_id`,
    );
    try {
      for (;;) {
        const rows = await m.query<FrozenGeneRow[]>(`FETCH ${FREEZE_BATCH} FROM release_freeze`);
        if (rows.length === 0) {
          return;
        }
        yield rows;
      }
    } finally {
      await m.query('CLOSE release_freeze').catch(() => undefined);
    }
  }

  async addFile(tx: Transaction, releaseId: number, file: ReleaseFileRow): Promise<void> {
    await managerOf(tx, this.dataSource.manager).query(
      `INSERT INTO release_files (release_id, format, file_name, content_type, size, sha256, chunk_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (release_id, format) DO UPDATE SET size = EXCLUDED.size,
         sha256 = EXCLUDED.sha256, chunk_count = EXCLUDED.chunk_count`,
      [
        releaseId,
        file.format,
        file.file_name,
        file.content_type,
        file.size,
        file.sha256,
        file.chunk_count,
      ],
    );
  }

  async addChunk(
    tx: Transaction,
    releaseId: number,
    format: string,
    seq: number,
    data: Buffer,
  ): Promise<void> {
    await managerOf(tx, this.dataSource.manager).query(
      'INSERT INTO release_file_chunks (release_id, format, seq, data) VALUES ($1, $2, $3, $4)',
      [releaseId, format, seq, data],
    );
  }

  async markPublished(
    tx: Transaction,
    id: number,
    published: {
      by: { id: number; username: string };
      geneCount: number;
      evidenceCount: number;
      annotationCount: number;
      sources: SourceAtPublish[];
      exportChecksum: string;
      citationText: string;
      doiStatus: 'pending' | null;
    },
  ): Promise<ReleaseRow> {
    const [rows] = await managerOf(tx, this.dataSource.manager).query<[ReleaseRow[], number]>(
      `UPDATE releases SET status = 'published', published_at = now(), published_by_id = $2,
         published_by_name = $3, gene_count = $4, evidence_count = $5, annotation_count = $6,
         sources = $7::jsonb, export_checksum = $8, citation_text = $9, doi_status = $10,
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [
        id,
        published.by.id,
        published.by.username,
        published.geneCount,
        published.evidenceCount,
        published.annotationCount,
        JSON.stringify(published.sources),
        published.exportChecksum,
        published.citationText,
        published.doiStatus,
      ],
    );
    return rows[0];
  }

  /** The transaction's commit time is the publish time every export states. */
  async transactionTime(tx: Transaction): Promise<Date> {
    const rows = await managerOf(tx, this.dataSource.manager).query<{ now: Date }[]>(
      'SELECT now() AS now',
    );
    return rows[0].now;
  }

  async files(releaseId: number): Promise<ReleaseFileRow[]> {
    return this.dataSource.query<ReleaseFileRow[]>(
      `SELECT format, file_name, content_type, size::text AS size, sha256, chunk_count
       FROM release_files WHERE release_id = $1 ORDER BY format`,
      [releaseId],
    );
  }

  async chunk(releaseId: number, format: string, seq: number): Promise<Buffer | null> {
    const rows = await this.dataSource.query<{ data: Buffer }[]>(
      'SELECT data FROM release_file_chunks WHERE release_id = $1 AND format = $2 AND seq = $3',
      [releaseId, format, seq],
    );
    return rows[0]?.data ?? null;
  }

  /** Genes of a published release in symbol order, a page at a time. */
  async genes(
    releaseId: number,
    limit: number,
    offset: number,
  ): Promise<{ rows: ReleaseGeneRow[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.dataSource.query<ReleaseGeneRow[]>(
        `SELECT hgnc_id, symbol, name, aliases, raw_score, percentage_score, evidence_tier,
                evidence_group, source_count, source_scores
         FROM release_genes WHERE release_id = $1 ORDER BY symbol, hgnc_id LIMIT $2 OFFSET $3`,
        [releaseId, limit, offset],
      ),
      this.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM release_genes WHERE release_id = $1',
        [releaseId],
      ),
    ]);
    return { rows, total: count[0].n };
  }

  /**
   * What changed from release `from` to release `to`, by HGNC id: added, removed, and
   * genes whose tier or percentage score changed; counts are totals, lists are capped.
   */
  async diff(
    from: number,
    to: number,
    limit: number,
  ): Promise<{
    counts: { added: number; removed: number; changed: number; unchanged: number };
    added: ReleaseGeneRow[];
    removed: ReleaseGeneRow[];
    changed: (ReleaseGeneRow & {
      from_symbol: string;
      from_evidence_tier: string;
      from_percentage_score: string;
    })[];
  }> {
    const m = this.dataSource.manager;
    const counts = await m.query<
      { added: number; removed: number; changed: number; unchanged: number }[]
    >(
      `SELECT count(*) FILTER (WHERE a.hgnc_id IS NULL)::int AS added,
              count(*) FILTER (WHERE b.hgnc_id IS NULL)::int AS removed,
              count(*) FILTER (WHERE a.hgnc_id IS NOT NULL AND b.hgnc_id IS NOT NULL
                AND (a.evidence_tier <> b.evidence_tier OR a.percentage_score <> b.percentage_score))::int AS changed,
              count(*) FILTER (WHERE a.hgnc_id IS NOT NULL AND b.hgnc_id IS NOT NULL
                AND a.evidence_tier = b.evidence_tier AND a.percentage_score = b.percentage_score)::int AS unchanged
       FROM (SELECT * FROM release_genes WHERE release_id = $1) a
       FULL JOIN (SELECT * FROM release_genes WHERE release_id = $2) b ON b.hgnc_id = a.hgnc_id`,
      [from, to],
    );
    const columns = `hgnc_id, symbol, name, aliases, raw_score, percentage_score, evidence_tier,
      evidence_group, source_count, source_scores`;
    const [added, removed, changed] = await Promise.all([
      m.query<ReleaseGeneRow[]>(
        `SELECT ${columns} FROM release_genes b WHERE b.release_id = $2 AND NOT EXISTS (
           SELECT 1 FROM release_genes a WHERE a.release_id = $1 AND a.hgnc_id = b.hgnc_id)
         ORDER BY b.symbol LIMIT $3`,
        [from, to, limit],
      ),
      m.query<ReleaseGeneRow[]>(
        `SELECT ${columns} FROM release_genes a WHERE a.release_id = $1 AND NOT EXISTS (
           SELECT 1 FROM release_genes b WHERE b.release_id = $2 AND b.hgnc_id = a.hgnc_id)
         ORDER BY a.symbol LIMIT $3`,
        [from, to, limit],
      ),
      m.query<
        (ReleaseGeneRow & {
          from_symbol: string;
          from_evidence_tier: string;
          from_percentage_score: string;
        })[]
      >(
        `SELECT b.hgnc_id, b.symbol, b.name, b.aliases, b.raw_score, b.percentage_score,
                b.evidence_tier, b.evidence_group, b.source_count, b.source_scores,
                a.symbol AS from_symbol, a.evidence_tier AS from_evidence_tier,
                a.percentage_score AS from_percentage_score
         FROM release_genes a JOIN release_genes b ON b.hgnc_id = a.hgnc_id
         WHERE a.release_id = $1 AND b.release_id = $2
           AND (a.evidence_tier <> b.evidence_tier OR a.percentage_score <> b.percentage_score)
         ORDER BY abs(b.percentage_score - a.percentage_score) DESC, b.symbol LIMIT $3`,
        [from, to, limit],
      ),
    ]);
    return { counts: counts[0], added, removed, changed };
  }

  async setDoi(
    id: number,
    outcome: { status: 'pending' | 'deposited' | 'failed'; doi?: string; error?: string },
    citationText?: string,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE releases SET doi_status = $2, doi = coalesce($3, doi), doi_error = $4,
         citation_text = coalesce($5, citation_text), updated_at = now()
       WHERE id = $1`,
      [id, outcome.status, outcome.doi ?? null, outcome.error ?? null, citationText ?? null],
    );
  }

  private manager(tx?: Transaction): EntityManager {
    return managerOf(tx, this.dataSource.manager);
  }
}
