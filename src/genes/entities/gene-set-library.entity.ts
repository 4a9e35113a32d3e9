import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A gene-set library for enrichment (HPO, GO aspects, Reactome): which source wrote it,
 * from which upstream release, and its size. Its terms are in gene_set_terms.
 */
@Entity('gene_set_libraries')
export class GeneSetLibraryEntity {
  /** Our library name: HPO, GO_BP, GO_MF, GO_CC, Reactome. */
  @PrimaryColumn({ type: 'text' })
  name: string;

  /** The annotation source that wrote it. */
  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'text' })
  version: string;

  @Column({ type: 'integer' })
  termCount: number;

  /** Distinct genes in any term: the enrichment universe. */
  @Column({ type: 'integer' })
  geneCount: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  loadedAt: Date;
}
