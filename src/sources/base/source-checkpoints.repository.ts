import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/**
 * Where a paged source got to, per source, so an interrupted run resumes there. A
 * completed run clears its checkpoint, so the next run starts from the beginning.
 */
@Injectable()
export class SourceCheckpoints {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get<T extends Record<string, unknown>>(source: string): Promise<T | null> {
    const rows = await this.dataSource.query<{ data: T }[]>(
      'SELECT data FROM source_checkpoints WHERE source = $1',
      [source],
    );
    return rows[0]?.data ?? null;
  }

  async save(source: string, data: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO source_checkpoints (source, data) VALUES ($1, $2::jsonb)
       ON CONFLICT (source) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
      [source, JSON.stringify(data)],
    );
  }

  async clear(source: string): Promise<void> {
    await this.dataSource.query('DELETE FROM source_checkpoints WHERE source = $1', [source]);
  }
}
