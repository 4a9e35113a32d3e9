import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { withAdvisoryLock } from '../../database/advisory-lock.js';
import { asTransaction, managerOf, type Transaction } from '../../database/transaction.js';

/** One row the code defines for `data_sources`. */
export interface SourceRegistration {
  name: string;
  displayName: string;
  description: string;
  category: 'evidence' | 'annotation' | 'upload' | 'internal';
  scoring: 'count' | 'classification' | null;
  /** How its evidence counts for scoring (ScoringRule, read by the scoring views); null if not scored. */
  scoringRule: object | null;
  url: string | null;
  documentationUrl: string | null;
  /** The status a new row starts with; an existing row keeps its own. */
  initialStatus: 'active' | 'ready_for_upload';
}

export interface RegistryRow {
  name: string;
  display_name: string;
  description: string;
  category: string;
  scoring: string | null;
  status: string;
  url: string | null;
  documentation_url: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface OrphanRow {
  name: string;
  display_name: string;
  category: string;
  status: string;
  evidence_count: number;
  /** The latest of: evidence written, the row itself changing. */
  last_activity: Date | null;
}

/** Several instances starting together register one after the other. */
const REGISTRY_LOCK = 'data-source-registry';

/** SQL of the `data_sources` registry: registration, orphans, removal. */
@Injectable()
export class SourceRegistryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Upserts every defined source and returns the names of rows no code defines, in one
   * locked step so the orphan list matches what was just registered. Display metadata
   * follows the code; status (which an operator or an upload changes) is kept.
   */
  async register(sources: readonly SourceRegistration[]): Promise<string[]> {
    return withAdvisoryLock(this.dataSource, REGISTRY_LOCK, async () => {
      await this.dataSource.query(
        `INSERT INTO data_sources (name, display_name, description, category, scoring, scoring_rule, url, documentation_url, status)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[], $9::text[])
         ON CONFLICT (name) DO UPDATE SET display_name = EXCLUDED.display_name,
           description = EXCLUDED.description, category = EXCLUDED.category, scoring = EXCLUDED.scoring,
           scoring_rule = EXCLUDED.scoring_rule,
           url = EXCLUDED.url, documentation_url = EXCLUDED.documentation_url,
           updated_at = CASE WHEN (data_sources.display_name, data_sources.description, data_sources.category,
                                   data_sources.scoring, data_sources.scoring_rule, data_sources.url,
                                   data_sources.documentation_url)
                                  IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.description, EXCLUDED.category,
                                   EXCLUDED.scoring, EXCLUDED.scoring_rule, EXCLUDED.url, EXCLUDED.documentation_url)
                             THEN now() ELSE data_sources.updated_at END`,
        [
          sources.map((s) => s.name),
          sources.map((s) => s.displayName),
          sources.map((s) => s.description),
          sources.map((s) => s.category),
          sources.map((s) => s.scoring),
          sources.map((s) => (s.scoringRule === null ? null : JSON.stringify(s.scoringRule))),
          sources.map((s) => s.url),
          sources.map((s) => s.documentationUrl),
          sources.map((s) => s.initialStatus),
        ],
      );
      const rows = await this.dataSource.query<{ name: string }[]>(
        `SELECT name FROM data_sources WHERE NOT (name = ANY($1::text[])) ORDER BY name`,
        [sources.map((s) => s.name)],
      );
      return rows.map((r) => r.name);
    });
  }

  list(): Promise<RegistryRow[]> {
    return this.dataSource.query(
      `SELECT name, display_name, description, category, scoring, status, url, documentation_url,
              created_at, updated_at
       FROM data_sources ORDER BY category, name`,
    );
  }

  orphans(defined: readonly string[]): Promise<OrphanRow[]> {
    return this.dataSource.query(
      `SELECT d.name, d.display_name, d.category, d.status,
              (SELECT count(*)::int FROM gene_evidence e WHERE e.source_name = d.name) AS evidence_count,
              greatest(d.updated_at, d.last_updated_at,
                       (SELECT max(e.updated_at) FROM gene_evidence e WHERE e.source_name = d.name))
                AS last_activity
       FROM data_sources d WHERE NOT (d.name = ANY($1::text[])) ORDER BY d.name`,
      [defined],
    );
  }

  /** True when a row was removed. */
  /** Runs `work` in one transaction. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(asTransaction(manager)));
  }

  async remove(name: string, tx?: Transaction): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = await managerOf(tx, this.dataSource.manager).query<[unknown[], number]>(
      'DELETE FROM data_sources WHERE name = $1',
      [name],
    );
    return affected > 0;
  }
}
