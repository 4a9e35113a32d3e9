import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

import { GeneEntity } from './gene.entity.js';

/** Exactly one row per gene and source; `evidence_data` is the source's own shape. */
@Entity('gene_evidence')
@Unique('uq_gene_evidence_gene_source', ['geneId', 'sourceName'])
export class GeneEvidenceEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'integer' })
  geneId: number;

  @ManyToOne(() => GeneEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'gene_id', foreignKeyConstraintName: 'fk_gene_evidence_gene' })
  gene?: GeneEntity;

  @Index('ix_gene_evidence_source_name')
  @Column({ type: 'text' })
  sourceName: string;

  @Column({ type: 'text', nullable: true })
  sourceDetail: string | null;

  @Column({ type: 'jsonb' })
  evidenceData: Record<string, unknown>;

  @Column({ type: 'date', nullable: true })
  evidenceDate: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
