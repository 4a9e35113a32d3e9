import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { withAdvisoryLock } from '../database/advisory-lock.js';

export type RunStatus =
  'queued' | 'running' | 'paused' | 'cancelling' | 'cancelled' | 'completed' | 'failed';

export type RunKind =
  | 'update'
  | 'source'
  | 'update-missing'
  | 'update-failed'
  | 'update-new'
  /** The first start's ingestion of the offline snapshot, every source and the upload files. */
  | 'initial';

/** What a run's source is: an upstream source of either kind, or an upload source's files. */
export type RunSourceKind = 'evidence' | 'annotation' | 'upload';

/** Statuses of a run that still holds its sources. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused', 'cancelling'];

export interface RunRow {
  id: string;
  kind: RunKind;
  status: RunStatus;
  sources: string[];
  gene_ids: number[] | null;
  options: Record<string, unknown>;
  stage: string | null;
  checkpoint: { stages_done?: string[] } & Record<string, unknown>;
  summary: Record<string, unknown>;
  error: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  requested_by: number | null;
  requested_by_name: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export interface RunSourceRow {
  run_id: string;
  source: string;
  kind: RunSourceKind;
  /**
   * `paused`: stopped by its run's pause, taken up again on resume.
   * `completed_with_errors`: an annotation source that ended with some genes failed (they
   * are recorded for `update-failed`); `error` says how many.
   */
  status:
    | 'pending'
    | 'running'
    | 'paused'
    | 'completed'
    | 'completed_with_errors'
    | 'failed'
    | 'cancelled';
  phase: string | null;
  processed: number;
  total: number | null;
  added: number;
  updated: number;
  failed: number;
  errors: unknown[];
  result: Record<string, unknown> | null;
  error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

export class SourceBusyError extends Error {
  constructor(readonly busy: { source: string; run_id: string }[]) {
    super(`busy: ${busy.map((b) => `${b.source} (run ${b.run_id})`).join(', ')}`);
  }
}

@Injectable()
export class PipelineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Rows of an UPDATE ... RETURNING (TypeORM answers those with [rows, count]). */
  private async updated<T>(sql: string, params: unknown[]): Promise<T[]> {
    const [rows] = await this.dataSource.query<[T[], number]>(sql, params);
    return rows;
  }

  /**
   * Creates a queued run holding every one of its sources; throws SourceBusyError (and
   * creates nothing) when another active run holds any of them.
   */
  async create(run: {
    id: string;
    kind: RunKind;
    sources: { name: string; kind: RunSourceKind }[];
    geneIds: number[] | null;
    options: Record<string, unknown>;
    requestedBy: { id: number | null; name: string };
  }): Promise<RunRow> {
    return this.dataSource.transaction(async (manager) => {
      const names = run.sources.map((s) => s.name);
      const taken = await manager.query<{ source: string }[]>(
        `INSERT INTO pipeline_locks (source, run_id) SELECT unnest($1::text[]), $2
         ON CONFLICT (source) DO NOTHING RETURNING source`,
        [names, run.id],
      );
      if (taken.length < names.length) {
        const busy = await manager.query<{ source: string; run_id: string }[]>(
          `SELECT source, run_id FROM pipeline_locks WHERE source = ANY($1::text[]) AND run_id <> $2
           ORDER BY source`,
          [names, run.id],
        );
        throw new SourceBusyError(busy);
      }
      const [row] = await manager.query<RunRow[]>(
        `INSERT INTO pipeline_runs (id, kind, status, sources, gene_ids, options, requested_by, requested_by_name)
         VALUES ($1, $2, 'queued', $3, $4, $5::jsonb, $6, $7) RETURNING *`,
        [
          run.id,
          run.kind,
          names,
          run.geneIds,
          JSON.stringify(run.options),
          run.requestedBy.id,
          run.requestedBy.name,
        ],
      );
      await manager.query(
        `INSERT INTO pipeline_run_sources (run_id, source, kind)
         SELECT $1, s, k FROM unnest($2::text[], $3::text[]) AS u(s, k)`,
        [run.id, names, run.sources.map((s) => s.kind)],
      );
      return row;
    });
  }

  async get(id: string): Promise<RunRow | undefined> {
    const rows = await this.dataSource.query<RunRow[]>(
      'SELECT * FROM pipeline_runs WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  async list(filter: {
    status?: RunStatus;
    limit: number;
    offset: number;
  }): Promise<{ rows: RunRow[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.dataSource.query<RunRow[]>(
        `SELECT * FROM pipeline_runs WHERE ($1::text IS NULL OR status = $1)
         ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
        [filter.status ?? null, filter.limit, filter.offset],
      ),
      this.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM pipeline_runs WHERE ($1::text IS NULL OR status = $1)',
        [filter.status ?? null],
      ),
    ]);
    return { rows, total: count[0].n };
  }

  active(): Promise<RunRow[]> {
    return this.dataSource.query<RunRow[]>(
      `SELECT * FROM pipeline_runs WHERE status = ANY($1::text[]) ORDER BY created_at`,
      [ACTIVE_STATUSES],
    );
  }

  /** The active run holding `source`, if any. */
  async activeFor(source: string): Promise<RunRow | undefined> {
    const rows = await this.dataSource.query<RunRow[]>(
      `SELECT r.* FROM pipeline_locks l JOIN pipeline_runs r ON r.id = l.run_id
       WHERE lower(l.source) = lower($1)`,
      [source],
    );
    return rows[0];
  }

  sources(runId: string): Promise<RunSourceRow[]> {
    return this.dataSource.query<RunSourceRow[]>(
      `SELECT * FROM pipeline_run_sources WHERE run_id = $1
       ORDER BY CASE kind WHEN 'evidence' THEN 0 ELSE 1 END, source`,
      [runId],
    );
  }

  sourcesOf(runIds: string[]): Promise<RunSourceRow[]> {
    return this.dataSource.query<RunSourceRow[]>(
      `SELECT * FROM pipeline_run_sources WHERE run_id = ANY($1::uuid[]) ORDER BY run_id, source`,
      [runIds],
    );
  }

  /** The latest source row per source, from any run. */
  /** The latest start or finish of a run of each named source. */
  lastActivity(sources: readonly string[]): Promise<{ source: string; at: Date }[]> {
    return this.dataSource.query(
      `SELECT source, max(coalesce(finished_at, started_at)) AS at FROM pipeline_run_sources
       WHERE source = ANY($1::text[]) AND coalesce(finished_at, started_at) IS NOT NULL
       GROUP BY source`,
      [sources],
    );
  }

  /** Runs not finished by status, and job-queue jobs waiting or active by state. */
  async queueDepth(): Promise<{ runs: Record<string, number>; jobs: Record<string, number> }> {
    const runs = await this.dataSource.query<{ status: string; n: number }[]>(
      `SELECT status, count(*)::int AS n FROM pipeline_runs
       WHERE status IN ('queued', 'running', 'paused', 'cancelling') GROUP BY status`,
    );
    const jobs = await this.dataSource.query<{ status: string; n: number }[]>(
      `SELECT state::text AS status, count(*)::int AS n FROM pgboss.job
       WHERE state IN ('created', 'retry', 'active') GROUP BY state`,
    );
    const byStatus = (rows: { status: string; n: number }[]) =>
      Object.fromEntries(rows.map((r) => [r.status, r.n]));
    return { runs: byStatus(runs), jobs: byStatus(jobs) };
  }

  /** Runs per status with their summed and longest durations (finished runs only). */
  runStats(): Promise<{ status: string; runs: number; seconds: number; max_seconds: number }[]> {
    return this.dataSource.query(
      `SELECT status, count(*)::int AS runs,
              coalesce(sum(extract(epoch FROM finished_at - started_at)), 0)::float8 AS seconds,
              coalesce(max(extract(epoch FROM finished_at - started_at)), 0)::float8 AS max_seconds
       FROM pipeline_runs GROUP BY status ORDER BY status`,
    );
  }

  latestPerSource(): Promise<(RunSourceRow & { run_status: RunStatus })[]> {
    return this.dataSource.query(
      `SELECT DISTINCT ON (s.source) s.*, r.status AS run_status
       FROM pipeline_run_sources s JOIN pipeline_runs r ON r.id = s.run_id
       ORDER BY s.source, r.created_at DESC`,
    );
  }

  /**
   * Takes the run for `owner` when it is runnable and nobody else holds a live lease;
   * counts the attempt. Null when it is not to be worked on.
   */
  async acquire(id: string, owner: string, leaseSeconds: number): Promise<RunRow | null> {
    const rows = await this.updated<RunRow>(
      `UPDATE pipeline_runs SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3),
         attempts = attempts + 1, status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'running')
         AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now())
       RETURNING *`,
      [id, owner, leaseSeconds],
    );
    return rows[0] ?? null;
  }

  /** Extends the lease; the run's status now, or null when the lease was lost. */
  async heartbeat(id: string, owner: string, leaseSeconds: number): Promise<RunStatus | null> {
    const rows = await this.updated<{ status: RunStatus }>(
      `UPDATE pipeline_runs SET lease_expires_at = now() + make_interval(secs => $3)
       WHERE id = $1 AND lease_owner = $2 RETURNING status`,
      [id, owner, leaseSeconds],
    );
    return rows[0]?.status ?? null;
  }

  async update(
    id: string,
    fields: Partial<
      Pick<RunRow, 'status' | 'stage' | 'checkpoint' | 'summary' | 'error' | 'lease_owner'>
    > & { finished?: boolean },
  ): Promise<void> {
    const { finished, ...columns } = fields;
    const entries = Object.entries(columns);
    const sets = entries.map(([k], i) =>
      ['checkpoint', 'summary'].includes(k) ? `${k} = $${i + 2}::jsonb` : `${k} = $${i + 2}`,
    );
    if (fields.lease_owner === null) {
      sets.push('lease_expires_at = NULL');
    }
    if (finished) {
      sets.push('finished_at = now()');
    }
    sets.push('updated_at = now()');
    await this.dataSource.query(`UPDATE pipeline_runs SET ${sets.join(', ')} WHERE id = $1`, [
      id,
      ...entries.map(([k, v]) => (['checkpoint', 'summary'].includes(k) ? JSON.stringify(v) : v)),
    ]);
  }

  /**
   * Moves a run between statuses when it is in one of `from`; the new row, or null when
   * it was in none of them.
   */
  async transition(
    id: string,
    from: readonly RunStatus[],
    to: RunStatus,
    options: { finished?: boolean; error?: string } = {},
  ): Promise<RunRow | null> {
    const rows = await this.updated<RunRow>(
      `UPDATE pipeline_runs SET status = $3, updated_at = now(),
         finished_at = CASE WHEN $4 THEN now() ELSE finished_at END,
         error = coalesce($5, error),
         lease_owner = CASE WHEN $4 THEN NULL ELSE lease_owner END,
         lease_expires_at = CASE WHEN $4 THEN NULL ELSE lease_expires_at END
       WHERE id = $1 AND status = ANY($2::text[]) RETURNING *`,
      [id, from, to, options.finished === true, options.error ?? null],
    );
    return rows[0] ?? null;
  }

  async releaseLocks(runId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM pipeline_locks WHERE run_id = $1', [runId]);
  }

  async updateSource(
    runId: string,
    source: string,
    fields: Partial<
      Omit<RunSourceRow, 'run_id' | 'source' | 'kind' | 'started_at' | 'finished_at'>
    > & {
      started?: boolean;
      finished?: boolean;
      /** Only while the source is running (late progress must not overwrite the outcome). */
      whileRunning?: boolean;
    },
  ): Promise<void> {
    const { started, finished, whileRunning, ...columns } = fields;
    const entries = Object.entries(columns);
    const sets = entries.map(([k], i) =>
      ['errors', 'result'].includes(k) ? `${k} = $${i + 3}::jsonb` : `${k} = $${i + 3}`,
    );
    if (started) {
      sets.push('started_at = coalesce(started_at, now())', 'finished_at = NULL');
    }
    if (finished) {
      sets.push('finished_at = now()');
    }
    if (sets.length === 0) {
      return;
    }
    await this.dataSource.query(
      `UPDATE pipeline_run_sources SET ${sets.join(', ')} WHERE run_id = $1 AND source = $2${
        whileRunning ? " AND status = 'running'" : ''
      }`,
      [
        runId,
        source,
        ...entries.map(([k, v]) => (['errors', 'result'].includes(k) ? JSON.stringify(v) : v)),
      ],
    );
  }

  /** Sources left running by a worker that stopped go back to pending. */
  /** Sources still marked running (a stopped run's) become `to`. */
  async resetRunningSources(runId: string, to: 'pending' | 'paused' = 'pending'): Promise<void> {
    await this.dataSource.query(
      `UPDATE pipeline_run_sources SET status = $2, phase = 'paused'
       WHERE run_id = $1 AND status = 'running'`,
      [runId, to],
    );
  }

  /** A resumed run's paused sources wait their turn again. */
  async reopenPausedSources(runId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE pipeline_run_sources SET status = 'pending', phase = 'pending'
       WHERE run_id = $1 AND status = 'paused'`,
      [runId],
    );
  }

  /** A cancelled run's sources that had not finished end cancelled too. */
  async cancelOpenSources(runId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE pipeline_run_sources
       SET status = 'cancelled', phase = 'cancelled', finished_at = coalesce(finished_at, now())
       WHERE run_id = $1 AND status IN ('pending', 'running', 'paused')`,
      [runId],
    );
  }

  /** Runs whose worker's lease lapsed, or queued runs nobody picked up for a while. */
  orphaned(queuedForSeconds: number): Promise<Pick<RunRow, 'id' | 'status' | 'attempts'>[]> {
    return this.dataSource.query(
      `SELECT id, status, attempts FROM pipeline_runs
       WHERE (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < now()))
          OR (status = 'queued' AND lease_owner IS NULL AND updated_at < now() - make_interval(secs => $1))
       ORDER BY created_at`,
      [queuedForSeconds],
    );
  }

  /** Genes created after `since`. */
  async genesCreatedSince(since: Date | null): Promise<number[]> {
    const rows = await this.dataSource.query<{ id: number }[]>(
      `SELECT id FROM genes WHERE $1::timestamptz IS NULL OR created_at > $1 ORDER BY id`,
      [since],
    );
    return rows.map((r) => r.id);
  }

  /**
   * When the annotation stage of the latest full update that ran it began (its first
   * annotation source's start), whether that run completed or failed; null if none did.
   * A gene created after this may have been missed by it.
   */
  /** The first-start runs, newest first: their ids and statuses. */
  initialRuns(): Promise<{ id: string; status: RunStatus }[]> {
    return this.dataSource.query(
      `SELECT id, status FROM pipeline_runs WHERE kind = 'initial' ORDER BY created_at DESC`,
    );
  }

  async lastAnnotationPassStart(): Promise<Date | null> {
    const [row] = await this.dataSource.query<{ since: Date | null }[]>(
      `SELECT min(s.started_at) AS since
       FROM pipeline_run_sources s
       WHERE s.kind = 'annotation' AND s.run_id = (
         SELECT r.id FROM pipeline_runs r
         WHERE r.kind IN ('update', 'initial') AND r.status IN ('completed', 'failed')
           AND EXISTS (SELECT 1 FROM pipeline_run_sources x
                       WHERE x.run_id = r.id AND x.kind = 'annotation' AND x.started_at IS NOT NULL)
         ORDER BY r.finished_at DESC LIMIT 1)`,
    );
    return row?.since ?? null;
  }

  /** Gene ids for symbols or HGNC ids; unknown ones are reported back. */
  async geneIds(identifiers: string[]): Promise<{ ids: number[]; unknown: string[] }> {
    const rows = await this.dataSource.query<{ term: string; id: number }[]>(
      `SELECT t.term, g.id FROM unnest($1::text[]) AS t(term)
       JOIN genes g ON upper(g.approved_symbol) = upper(t.term) OR upper(g.hgnc_id) = upper(t.term)`,
      [identifiers],
    );
    const found = new Set(rows.map((r) => r.term));
    return {
      ids: [...new Set(rows.map((r) => r.id))].sort((a, b) => a - b),
      unknown: identifiers.filter((i) => !found.has(i)),
    };
  }

  /** Publishes `payload` on the NOTIFY channel `channel`, for every instance's listener. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /** Runs `work` holding the cluster-wide lock that serialises job-queue setup. */
  withQueueSetupLock<T>(work: () => Promise<T>): Promise<T> {
    return withAdvisoryLock(this.dataSource, 'pipeline-queue-setup', work);
  }
}
