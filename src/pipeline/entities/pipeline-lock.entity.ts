import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per source with an active run (queued, running, paused or cancelling): the
 * primary key is the exclusivity guarantee across every instance.
 */
@Entity('pipeline_locks')
export class PipelineLockEntity {
  @PrimaryColumn({ type: 'text' })
  source: string;

  @Column({ type: 'uuid' })
  runId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
