import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where an interrupted paged source run got to; deleted when the run completes. */
@Entity('source_checkpoints')
export class SourceCheckpointEntity {
  @PrimaryColumn({ type: 'text' })
  source: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
