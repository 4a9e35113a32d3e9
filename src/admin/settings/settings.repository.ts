import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { withAdvisoryLock } from '../../database/advisory-lock.js';

export interface SettingRow {
  key: string;
  value: unknown;
  value_type: string;
  category: string;
  description: string;
  default_value: unknown;
  requires_restart: boolean;
  sensitive: boolean;
  read_only: boolean;
  validation: Record<string, unknown>;
  updated_by_id: number | null;
  updated_at: Date;
}

export interface ChangeRow {
  id: string;
  setting_key: string;
  old_value: unknown;
  new_value: unknown;
  changed_by_id: number | null;
  changed_by: string;
  reason: string | null;
  ip_address: string | null;
  changed_at: Date;
}

export interface CatalogRow {
  key: string;
  type: string;
  category: string;
  description: string;
  default: unknown;
  requiresRestart: boolean;
  sensitive: boolean;
  readOnly: boolean;
  validation: Record<string, unknown>;
}

export interface SettingChange {
  key: string;
  value: unknown;
  /** As stored in the audit: masked when the setting is sensitive. */
  auditOld: unknown;
  auditNew: unknown;
  userId: number | null;
  username: string;
  reason: string | null;
  ip: string | null;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** SQL of `system_settings` and its audit trail. */
@Injectable()
export class SettingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes the catalogue's metadata and defaults; operators' values are kept. */
  async registerCatalog(rows: readonly CatalogRow[]): Promise<void> {
    await withAdvisoryLock(this.dataSource, 'system-settings-catalog', async () => {
      for (const r of rows) {
        await this.dataSource.query(
          `INSERT INTO system_settings (key, value_type, category, description, default_value,
             requires_restart, sensitive, read_only, validation)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9::jsonb)
           ON CONFLICT (key) DO UPDATE SET value_type = EXCLUDED.value_type, category = EXCLUDED.category,
             description = EXCLUDED.description, default_value = EXCLUDED.default_value,
             requires_restart = EXCLUDED.requires_restart, sensitive = EXCLUDED.sensitive,
             read_only = EXCLUDED.read_only, validation = EXCLUDED.validation`,
          [
            r.key,
            r.type,
            r.category,
            r.description,
            json(r.default),
            r.requiresRestart,
            r.sensitive,
            r.readOnly,
            json(r.validation),
          ],
        );
      }
    });
  }

  all(): Promise<SettingRow[]> {
    return this.dataSource.query('SELECT * FROM system_settings ORDER BY category, key');
  }

  async one(key: string): Promise<SettingRow | null> {
    const rows = await this.dataSource.query<SettingRow[]>(
      'SELECT * FROM system_settings WHERE key = $1',
      [key],
    );
    return rows[0] ?? null;
  }

  /** Sets the value and writes its audit row in one transaction. */
  async change(c: SettingChange): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE system_settings SET value = $2::jsonb, updated_by_id = $3, updated_at = now() WHERE key = $1`,
        [c.key, json(c.value), c.userId],
      );
      await m.query(
        `INSERT INTO system_setting_changes (setting_key, old_value, new_value, changed_by_id, changed_by, reason, ip_address)
         VALUES ($1, $2::jsonb, $3::jsonb, $4, $5, $6, $7)`,
        [c.key, json(c.auditOld), json(c.auditNew), c.userId, c.username, c.reason, c.ip],
      );
    });
  }

  history(key: string, limit: number): Promise<ChangeRow[]> {
    return this.dataSource.query(
      `SELECT * FROM system_setting_changes WHERE setting_key = $1 ORDER BY changed_at DESC, id DESC LIMIT $2`,
      [key, limit],
    );
  }

  /** Every change, newest first. */
  allHistory(limit: number): Promise<ChangeRow[]> {
    return this.dataSource.query(
      `SELECT * FROM system_setting_changes ORDER BY changed_at DESC, id DESC LIMIT $1`,
      [limit],
    );
  }

  async changesSince(hours: number): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM system_setting_changes
       WHERE changed_at >= now() - make_interval(hours => $1)`,
      [hours],
    );
    return row?.n ?? 0;
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }
}
