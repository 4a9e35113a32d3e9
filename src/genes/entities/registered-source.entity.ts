import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Registry of every source the code defines, with display metadata and status. */
@Entity('data_sources')
export class RegisteredSourceEntity {
  @PrimaryColumn({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  displayName: string;

  @Column({ type: 'text' })
  description: string;

  /** evidence | annotation | upload | internal */
  @Column({ type: 'text' })
  category: string;

  /** count | classification | null (not scored) */
  @Column({ type: 'text', nullable: true })
  scoring: string | null;

  /** How its evidence counts for scoring (the source's declared ScoringRule); read by the scoring views. */
  @Column({ type: 'jsonb', nullable: true })
  scoringRule: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ type: 'text', nullable: true })
  documentationUrl: string | null;

  /** active | inactive | ready_for_upload */
  @Column({ type: 'text', default: 'active' })
  status: string;

  @Column({ type: 'timestamptz', nullable: true })
  lastUpdatedAt: Date | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
