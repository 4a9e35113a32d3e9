import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { GeneSetLibraryEntity } from './gene-set-library.entity.js';

/** One term of a gene-set library and the local genes annotated to it (ancestors included). */
@Entity('gene_set_terms')
export class GeneSetTermEntity {
  @PrimaryColumn({ type: 'text' })
  library: string;

  @ManyToOne(() => GeneSetLibraryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'library', foreignKeyConstraintName: 'fk_gene_set_terms_library' })
  owner?: GeneSetLibraryEntity;

  @PrimaryColumn({ type: 'text' })
  termId: string;

  @Column({ type: 'text' })
  termName: string;

  /** Gene ids (genes.id), ascending. */
  @Column({ type: 'integer', array: true })
  geneIds: number[];
}
