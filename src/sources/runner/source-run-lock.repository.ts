import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { withTryAdvisoryLock } from '../../database/advisory-lock.js';

/** The cross-instance guard of source runs: a session advisory lock per source. */
@Injectable()
export class SourceRunLock {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` holding the source's lock; `acquired: false` if another session holds it. */
  exclusive<T>(
    source: string,
    work: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }> {
    return withTryAdvisoryLock(this.dataSource, `source-run:${source}`, work);
  }
}
