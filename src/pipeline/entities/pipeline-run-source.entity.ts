import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { PipelineRunEntity } from './pipeline-run.entity.js';

/** One source's part of a run: its status, counters and per-gene errors. */
@Entity('pipeline_run_sources')
export class PipelineRunSourceEntity {
  @PrimaryColumn({ type: 'uuid' })
  runId: string;

  @ManyToOne(() => PipelineRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_pipeline_run_sources_run' })
  run?: PipelineRunEntity;

  @PrimaryColumn({ type: 'text' })
  source: string;

  /** evidence | annotation */
  @Column({ type: 'text' })
  kind: string;

  /** pending | running | completed | failed | cancelled */
  @Column({ type: 'text', default: 'pending' })
  status: string;

  @Column({ type: 'text', nullable: true })
  phase: string | null;

  @Column({ type: 'integer', default: 0 })
  processed: number;

  @Column({ type: 'integer', nullable: true })
  total: number | null;

  @Column({ type: 'integer', default: 0 })
  added: number;

  @Column({ type: 'integer', default: 0 })
  updated: number;

  @Column({ type: 'integer', default: 0 })
  failed: number;

  /** Per-gene or per-row failures with their reasons (capped). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  errors: unknown[];

  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
