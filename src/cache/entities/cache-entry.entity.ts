import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * L2 of the cache: one row per key. The value is `json`, not `jsonb`: `json` keeps the
 * text as written (jsonb reorders object keys), so every instance that reads the row
 * back sends the same bytes, and so the same ETag, as the instance that filled it.
 */
@Entity('cache_entries')
@Index('ix_cache_entries_namespace_key', ['namespace', 'cacheKey'])
export class CacheEntryEntity {
  /** `<namespace>:<sha256 of the normalised key>`. */
  @PrimaryColumn({ type: 'text' })
  cacheKey: string;

  @Column({ type: 'text' })
  namespace: string;

  /** The readable key (truncated), for listings. */
  @Column({ type: 'text' })
  keyText: string;

  @Column({ type: 'json' })
  data: unknown;

  @Column({ type: 'integer' })
  dataSize: number;

  /** Logical expiry; null = never. */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** When the row may be purged: expiry plus the stale grace window. */
  @Index('ix_cache_entries_stale_until')
  @Column({ type: 'timestamptz', nullable: true })
  staleUntil: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
