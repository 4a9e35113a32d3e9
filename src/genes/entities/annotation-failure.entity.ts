import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { GeneEntity } from './gene.entity.js';

/**
 * A gene an annotation source could not annotate, with the last reason; `scope: failed`
 * retries exactly these. Removed when the gene is annotated (or found to have no data).
 */
@Entity('annotation_failures')
export class AnnotationFailureEntity {
  @PrimaryColumn({ type: 'integer' })
  geneId: number;

  @PrimaryColumn({ type: 'text' })
  source: string;

  @ManyToOne(() => GeneEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'gene_id', foreignKeyConstraintName: 'fk_annotation_failures_gene' })
  gene?: GeneEntity;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'integer', default: 1 })
  attempts: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastAttemptAt: Date;
}
