import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** A booked start slot and the database clock when it was booked, both epoch milliseconds. */
export interface RateSlot {
  slot_ms: number;
  db_now_ms: number;
}

/** Owns `upstream_rate_slots`: one shared next-start instant per rate-limit group. */
@Injectable()
export class UpstreamRateSlotsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Books the group's next start slot, `spacingMs` after the previous one (or after now,
   * when that has passed), on the database clock so every instance shares it.
   */
  async book(group: string, spacingMs: number): Promise<RateSlot | undefined> {
    const [row] = await this.dataSource.query<RateSlot[]>(
      `INSERT INTO upstream_rate_slots (domain, next_at)
       VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (domain) DO UPDATE SET next_at =
         greatest(upstream_rate_slots.next_at, clock_timestamp()) + make_interval(secs => $2::float8 / 1000)
       RETURNING (extract(epoch FROM next_at) * 1000 - $2)::float8 AS slot_ms,
                 (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS db_now_ms`,
      [group, spacingMs],
    );
    return row;
  }
}
