import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** The counters node-postgres keeps on its pool. */
export interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/** Reads the app's connection pool figures from the TypeORM driver (metrics, cache admin). */
@Injectable()
export class DatabasePoolRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The pool, or undefined before the driver has created it. */
  pool(): PgPool | undefined {
    return (this.dataSource.driver as unknown as { master?: PgPool }).master;
  }
}
