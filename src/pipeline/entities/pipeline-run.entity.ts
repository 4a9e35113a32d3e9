import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A durable pipeline run: what was asked, where it got to, and who holds it. */
@Entity('pipeline_runs')
@Index('ix_pipeline_runs_status', ['status'])
@Index('ix_pipeline_runs_created', ['createdAt'])
export class PipelineRunEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** update | source | update-missing | update-failed | update-new */
  @Column({ type: 'text' })
  kind: string;

  /** queued | running | paused | cancelling | cancelled | completed | failed */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'text', array: true })
  sources: string[];

  /** Genes the annotation stage is limited to; null = all. */
  @Column({ type: 'integer', array: true, nullable: true })
  geneIds: number[] | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  options: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  stage: string | null;

  /** Stages done; cleared when the run ends. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  checkpoint: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  summary: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** How many times a worker has taken the run up (resumes count). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  leaseOwner: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  requestedBy: number | null;

  @Column({ type: 'text', nullable: true })
  requestedByName: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
