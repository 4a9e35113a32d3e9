import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * A symbol a source reported that could not be resolved to one gene, with the evidence
 * it carried, so approving it can replay that evidence.
 */
@Entity('gene_staging')
@Index('uq_gene_staging_pending', { synchronize: false })
@Index('ix_gene_staging_status_priority', ['status', 'priority'])
export class GeneStagingEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Index('ix_gene_staging_source')
  @Column({ type: 'text' })
  sourceName: string;

  @Column({ type: 'text' })
  originalText: string;

  /** unknown | ambiguous | conflict */
  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  candidates: { id: number; hgnc_id: string; approved_symbol: string }[];

  @Column({ type: 'jsonb' })
  evidenceData: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  evidenceDetail: string | null;

  /** pending | approved | rejected */
  @Column({ type: 'text', default: 'pending' })
  status: string;

  @Column({ type: 'integer', default: 0 })
  priority: number;

  @Column({ type: 'integer', nullable: true })
  resolvedGeneId: number | null;

  @Column({ type: 'integer', nullable: true })
  reviewedBy: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  reviewNotes: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
