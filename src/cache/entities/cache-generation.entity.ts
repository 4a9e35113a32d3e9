import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How many times each namespace has been cleared (the row `*` counts clears of every
 * namespace). A fill carries the generation it started under, and its write lands only
 * while that is still current, so a clear wins over every write started before it, on
 * every instance. Rows are never deleted; counters only grow.
 */
@Entity('cache_generations')
export class CacheGenerationEntity {
  @PrimaryColumn({ type: 'text' })
  namespace: string;

  @Column({ type: 'bigint', default: 0 })
  generation: string;
}
