import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { MIGRATIONS_TABLE } from '../database/data-source-options.js';

export interface AppliedMigration {
  name: string;
  timestamp: number;
}

@Injectable()
export class HealthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Names of migrations the code ships that the database has not applied. */
  async pendingMigrations(): Promise<string[]> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT name FROM "${MIGRATIONS_TABLE}"`,
    );
    const applied = new Set(rows.map((r) => r.name));
    return this.dataSource.migrations
      .map((m) => m.name ?? m.constructor.name)
      .filter((name) => !applied.has(name));
  }

  async latestMigration(): Promise<AppliedMigration | null> {
    const rows: { name: string; timestamp: string }[] = await this.dataSource.query(
      `SELECT name, timestamp FROM "${MIGRATIONS_TABLE}" ORDER BY timestamp DESC, id DESC LIMIT 1`,
    );
    const row = rows[0];
    return row ? { name: row.name, timestamp: Number(row.timestamp) } : null;
  }

  async serverVersion(): Promise<string> {
    const rows: { server_version: string }[] = await this.dataSource.query('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  }
}
