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

/** One row per gene and annotation source; a new source version replaces the row. */
@Entity('gene_annotations')
@Unique('uq_gene_annotations_gene_source', ['geneId', 'source'])
export class GeneAnnotationEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'integer' })
  geneId: number;

  @ManyToOne(() => GeneEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'gene_id', foreignKeyConstraintName: 'fk_gene_annotations_gene' })
  gene?: GeneEntity;

  @Index('ix_gene_annotations_source')
  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'text', nullable: true })
  version: string | null;

  @Column({ type: 'jsonb' })
  annotations: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  sourceMetadata: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
