import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('genes')
@Check('ck_genes_hgnc_id', `"hgnc_id" ~ '^HGNC:[0-9]+$'`)
// Expression and GIN indexes live in the migration; declared here so the drift check knows them.
@Index('uq_genes_symbol_upper', { synchronize: false })
@Index('ix_genes_aliases', { synchronize: false })
@Index('ix_genes_symbol_trgm', { synchronize: false })
@Index('ix_genes_hgnc_id_upper', { synchronize: false })
export class GeneEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  /** `HGNC:<digits>`. */
  @Index('uq_genes_hgnc_id', { unique: true })
  @Column({ type: 'text' })
  hgncId: string;

  @Column({ type: 'text' })
  approvedSymbol: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  aliases: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  previousSymbols: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
